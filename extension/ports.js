// One order of ports everywhere (the probe rows, the copied summary, the history, the options
// page): the host's default ports in the host's order, then any other port ascending. Which
// ports are the defaults is the host's to say (settings.js defaultPorts, from its hello); this
// module knows none of its own.

// {rank(port), sort(ports)} for the host's default ports `first`; with none, ascending.
export function portOrder(first = []) {
  const lead = (Array.isArray(first) ? first : []).map(Number);
  const rank = (port) => {
    const n = Number(port);
    const i = lead.indexOf(n);
    return i >= 0 ? i : lead.length + n;
  };
  return Object.freeze({ rank, sort: (ports) => [...ports].sort((a, b) => rank(a) - rank(b)) });
}

// What the well-known mail ports are for (IANA), in the words of the options page. Any other
// port is probed like the SMTP port. Words only: which ports are probed is the host's default
// or the user's choice.
export const PORT_WORDS = Object.freeze(new Map([
  [25, 'SMTP: where other servers deliver mail'],
  [587, 'Submission: where mail programs send (STARTTLS)'],
  [465, 'SMTPS: submission with TLS from the start'],
]));
