// The one connection to the mxhealth native messaging host (docs/protocol.md).
//
// One port is one host process. It is opened lazily by the first request, starts with
// `hello`, and is reopened by the next request after it closes. Every request waits in an
// id -> pending map with its own timer, so no caller ever waits forever: a request ends
// with the host's answer, a timeout, or the port's disconnect, which fails everything that
// is still waiting with a typed HostProblem.
import { api } from './api.js';

export const HOST_NAME = 'org.mxhealth.host';
export const PROTOCOL_VERSION = 1;
export const REQUIRED_MESSAGES = Object.freeze(['check', 'cancel', 'registrable_domain']);

// Milliseconds. A check gets its own `timeout` option plus checkGrace, restarted by each
// progress message, so a long check that keeps reporting is never cut off. A host too old to
// advertise its default `timeout` (and no timeout chosen) gets checkUnadvertised instead.
export const TIMEOUTS = Object.freeze({
  hello: 5000,
  registrable_domain: 5000,
  cancel: 5000,
  history: 10000,
  clear_history: 10000,
  validate_options: 10000,
  checkGrace: 15000,
  checkUnadvertised: 60000,
});

// The host cannot be used: problem is missing | forbidden | crashed | timeout | too_old.
export class HostProblem extends Error {
  constructor(problem, message, details = {}) {
    super(message);
    this.name = 'HostProblem';
    this.problem = problem;
    this.details = details;
  }
}

// The host answered a request with an `error` message (e.g. input.empty_label). `option`: the
// check option that caused it ("ca_file", "trust_anchor", "resolver", ...), when the host says.
export class RequestFailed extends Error {
  constructor(code, message, option = null) {
    super(message);
    this.name = 'RequestFailed';
    this.code = code;
    this.option = typeof option === 'string' && option ? option : null;
  }
}

// Chromium reports the reason in runtime.lastError, Firefox in port.error. The texts are the
// browsers' own: "Specified native messaging host not found." / "No such native application
// org.mxhealth.host"; "Access to the specified native messaging host is forbidden." / "This
// extension does not have permission to use native application ..."; anything else (e.g.
// "Native host has exited.") means the host started and went away.
export function classifyDisconnect(message) {
  const text = String(message ?? '');
  if (/not found|no such native application/i.test(text)) return 'missing';
  if (/forbidden|does not have permission/i.test(text)) return 'forbidden';
  return 'crashed';
}

export class NativeHost {
  #port = null;
  #hello = null; // Promise of the validated hello answer of the current port
  #pending = new Map(); // request id -> {type, resolve, reject, timer, timeoutMs, onProgress, parts}
  #nextId = 1;

  // Resolves with the host's hello answer; connects if needed.
  hello() {
    return this.#connect();
  }

  // A request with a single answer (registrable_domain, history, clear_history).
  async request(type, params, timeoutMs) {
    await this.#connect();
    return this.#send(this.#nextId++, type, params, { timeoutMs });
  }

  // Starts a check. Returns {id, done, cancel}: `done` resolves with {report, cached,
  // cached_age_ms, warnings} or {cancelled: true}, or rejects with HostProblem/RequestFailed.
  startCheck(params, { timeoutMs, onProgress }) {
    const id = `c${this.#nextId++}`;
    let state = 'connecting'; // connecting -> sent -> finished; or cancelled before sending
    const done = this.#connect().then(() => {
      if (state === 'cancelled') return { cancelled: true };
      state = 'sent';
      return this.#send(id, 'check', params, { timeoutMs, onProgress });
    });
    done.finally(() => { state = 'finished'; }).catch(() => {});
    const cancel = () => {
      if (state === 'connecting') state = 'cancelled';
      else if (state === 'sent' && this.#pending.has(id)) this.#sendCancel(id);
    };
    return { id, done, cancel };
  }

  #connect() {
    if (this.#hello) return this.#hello;
    let port;
    try {
      port = api.runtime.connectNative(HOST_NAME);
    } catch (e) {
      // Firefox throws at once for some failures instead of disconnecting.
      return Promise.reject(new HostProblem(classifyDisconnect(e?.message), String(e?.message ?? e)));
    }
    this.#port = port;
    port.onMessage.addListener((message) => this.#onMessage(port, message));
    port.onDisconnect.addListener((p) => {
      // Reading lastError here also keeps Chromium from logging it as unchecked.
      const reason = api.runtime.lastError?.message ?? p?.error?.message ?? 'Native host has exited.';
      if (port === this.#port) this.#drop(new HostProblem(classifyDisconnect(reason), reason));
    });
    const hello = this.#send(this.#nextId++, 'hello', {}, { timeoutMs: TIMEOUTS.hello }).then((answer) => {
      const messages = answer?.capabilities?.messages ?? [];
      if (answer?.protocol_version !== PROTOCOL_VERSION || !REQUIRED_MESSAGES.every((m) => messages.includes(m))) {
        const problem = new HostProblem('too_old', 'The mxhealth helper does not speak this protocol.', {
          found: {
            host_version: answer?.host_version ?? null,
            protocol_version: answer?.protocol_version ?? null,
            messages,
          },
          needed: { protocol_version: PROTOCOL_VERSION, messages: [...REQUIRED_MESSAGES] },
        });
        this.#close(problem);
        throw problem;
      }
      return answer;
    });
    this.#hello = hello;
    // A failed start is not remembered: the next request tries again with a new port.
    hello.catch(() => { if (this.#hello === hello) this.#hello = null; });
    return hello;
  }

  #send(id, type, params, { timeoutMs, onProgress = null }) {
    return new Promise((resolve, reject) => {
      const entry = { type, resolve, reject, timer: null, timeoutMs, onProgress, parts: [] };
      this.#pending.set(id, entry);
      this.#arm(id, entry);
      try {
        this.#port.postMessage({ id, type, params });
      } catch (e) {
        this.#finish(id, entry);
        reject(new HostProblem('crashed', String(e?.message ?? e)));
      }
    });
  }

  #sendCancel(checkId) {
    const id = this.#nextId++;
    // The answer only says whether the check was found; the check's own `cancelled` message
    // (or its result, if they crossed) settles the check.
    this.#send(id, 'cancel', { id: checkId }, { timeoutMs: TIMEOUTS.cancel }).catch(() => {});
  }

  #arm(id, entry) {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.#expire(id), entry.timeoutMs);
  }

  #finish(id, entry) {
    clearTimeout(entry.timer);
    this.#pending.delete(id);
  }

  #expire(id) {
    const entry = this.#pending.get(id);
    if (!entry) return;
    this.#finish(id, entry);
    const seconds = Math.round(entry.timeoutMs / 1000);
    const problem = new HostProblem('timeout', `The mxhealth helper did not answer in ${seconds} s.`, { seconds, request: entry.type });
    entry.reject(problem);
    if (entry.type === 'check') this.#sendCancel(id);
    // A host that does not even answer hello is stuck: close it so the next request starts
    // a fresh one.
    if (entry.type === 'hello') this.#close(problem);
  }

  #onMessage(port, message) {
    if (port !== this.#port || !message || typeof message !== 'object') return;
    const entry = this.#pending.get(message.id);
    if (!entry) return; // late answer to a request that timed out, or an error with id null
    switch (message.type) {
      case 'progress':
        this.#arm(message.id, entry);
        try { entry.onProgress?.(message); } catch (e) { console.error('mxhealth: progress handler', e); }
        return;
      case 'result_part':
        this.#arm(message.id, entry);
        if (Number.isInteger(message.index) && message.index >= 0 && message.index < 10000) {
          entry.parts[message.index] = message.mx_record;
        }
        return;
      case 'result': {
        this.#finish(message.id, entry);
        const report = message.report;
        // A big report arrives as one result_part per MX record before the result.
        if (Number.isInteger(message.parts) && report && typeof report === 'object') {
          report.mx_records = Array.from({ length: message.parts }, (_, i) => entry.parts[i]).filter(Boolean);
        }
        entry.resolve({
          report,
          cached: message.cached === true,
          cached_age_ms: message.cached_age_ms ?? null,
          warnings: Array.isArray(message.warnings) ? message.warnings : [],
        });
        return;
      }
      case 'cancelled':
        this.#finish(message.id, entry);
        entry.resolve({ cancelled: true });
        return;
      case 'error':
        this.#finish(message.id, entry);
        entry.reject(new RequestFailed(String(message.error?.code ?? 'internal'), String(message.error?.message ?? 'unknown error'),
          message.error?.option));
        return;
      default:
        this.#finish(message.id, entry);
        entry.resolve(message);
    }
  }

  // Closes the port from our side (port.disconnect() fires no onDisconnect on this side).
  #close(problem) {
    const port = this.#port;
    this.#drop(problem);
    try { port?.disconnect(); } catch { /* already closed */ }
  }

  #drop(problem) {
    this.#port = null;
    this.#hello = null;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const entry of pending) {
      clearTimeout(entry.timer);
      entry.reject(problem);
    }
  }
}
