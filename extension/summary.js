// A plain-text summary of a report, to paste into a chat message or a ticket.
import { blocklistSummary, daneText, policyRows, ptrText } from './checks.js';
import { VERDICTS, probeStatus, shortIssuer, sortFindings } from './render.js';

function probeLine(probe) {
  const parts = [`port ${probe.port}: ${probeStatus(probe).words}`];
  const tls = probe.tls;
  if (tls) {
    parts.push(tls.version);
    const cert = tls.certificate;
    if (cert) {
      const days = cert.days_left < 0 ? `expired ${-cert.days_left} days ago` : `${cert.days_left} days left`;
      parts.push(`certificate from ${shortIssuer(cert.issuer)}, ${days}`);
    }
    if (!tls.chain_verified) parts.push(`untrusted (${tls.verify_error ?? 'chain does not verify'})`);
    if (!tls.hostname_match) parts.push('name mismatch');
  }
  return parts.join(', ');
}

export function reportSummary(report) {
  const lines = [];
  const verdict = VERDICTS[report.verdict]?.label ?? report.verdict;
  lines.push(`Mail servers of ${report.domain_unicode || report.domain}: ${verdict}`);
  if (report.error) lines.push(`Could not check: ${report.error.message}`);
  lines.push('');

  const records = report.mx_records ?? [];
  if (report.null_mx) {
    lines.push('Null MX: the domain declares that it accepts no mail.');
  } else if (!records.length) {
    lines.push('No MX records.');
  } else {
    lines.push(`MX hosts (${records.length}):`);
    for (const r of records) {
      lines.push(`  ${r.priority} ${r.host}${r.implicit ? ' (implicit MX)' : ''}${r.cname ? ` (alias of ${r.cname})` : ''}`);
      if (r.error) lines.push(`      ${r.error}`);
      if (r.dane?.status) lines.push(`      ${daneText(r.dane)}`);
      if (Array.isArray(r.domain_blocklists) && r.domain_blocklists.length) {
        lines.push(`      ${blocklistSummary(r.domain_blocklists, { domain: true }).words}`);
      }
      const info = new Map((r.addresses ?? []).map((a) => [a.ip, a]));
      for (const ip of r.ips ?? []) {
        const probes = (r.smtp_probes ?? []).filter((p) => p.ip === ip);
        const more = [];
        const address = info.get(ip);
        if (address?.ptr?.status) more.push(ptrText(address.ptr));
        if (Array.isArray(address?.blocklists) && address.blocklists.length) more.push(blocklistSummary(address.blocklists).words);
        const rows = [...probes.map(probeLine), ...more];
        if (!rows.length) {
          lines.push(`      ${ip}`);
          continue;
        }
        for (const [i, row] of rows.entries()) lines.push(`      ${i === 0 ? ip : ' '.repeat(ip.length)}  ${row}`);
      }
    }
  }

  const policies = policyRows(report);
  if (policies.length) {
    lines.push('', 'Mail policies:');
    for (const p of policies) {
      const record = p.facts.find(([label]) => label === 'Record' || label === 'TXT record');
      lines.push(`  ${p.name}: ${p.words}${record && !Array.isArray(record[1]) ? ` (${record[1]})` : ''}`);
    }
  }

  const titles = { error: 'Errors', warning: 'Warnings', info: 'Notes' };
  const findings = sortFindings(report.findings);
  for (const severity of ['error', 'warning', 'info']) {
    const group = findings.filter((f) => f.severity === severity);
    if (!group.length) continue;
    lines.push('', `${titles[severity]} (${group.length}):`);
    for (const f of group) lines.push(`  - ${f.message} [${f.code}]`);
  }
  const others = findings.filter((f) => !(f.severity in titles));
  if (others.length) {
    lines.push('', 'Other findings:');
    for (const f of others) lines.push(`  - ${f.message} [${f.code}, ${f.severity}]`);
  }

  lines.push('', `Checked at ${report.checked_at} with mxhealth ${report.version}, from this computer's network.`);
  return lines.join('\n');
}
