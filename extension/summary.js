// A plain-text summary of a report, to paste into a chat message or a ticket.
import { DIMENSION_STATUS, dimensionsOf, hasAssessment, senderRows } from './assessment.js';
import { blocklistSummary, daneText, policyRows, ptrText } from './checks.js';
import { sortFindings } from './findings.js';
import { certDays, mxStatus, probeStatus, shortIssuer } from './mxlist.js';
import { portOrder } from './ports.js';
import { hostText, sentence } from './util.js';
import { verdictWords } from './verdict.js';

// "port 25: Encrypted (TLS 1.3); certificate expired 10 days ago; issued by Test CA (…), expired on …"
function probeLine(probe) {
  const parts = [`port ${probe.port}: ${probeStatus(probe).words}`];
  const cert = probe.tls?.certificate;
  if (cert) parts.push(`issued by ${shortIssuer(cert.issuer)}, ${certDays(cert.days_left, cert.not_after).text}`);
  if (probe.error && probe.status !== 'ok') parts.push(hostText(probe.error));
  return parts.join('; ');
}

// `order`: the order of the ports (ports.js), the host's.
export function reportSummary(report, order = portOrder()) {
  const lines = [];
  const verdict = verdictWords(report.verdict).label;
  lines.push(`Mail servers of ${report.domain_unicode || report.domain}: ${verdict}`);
  if (hasAssessment(report)) {
    lines.push(hostText(report.assessment.headline.text), '');
    for (const d of dimensionsOf(report)) {
      const s = DIMENSION_STATUS[d.status] ?? { glyph: '?', word: d.status };
      lines.push(`  ${s.glyph} ${`${d.name}:`.padEnd(17)}${sentence(hostText(d.summary))}`);
    }
    const senders = senderRows(report);
    if (senders.length) {
      lines.push('', 'What senders do:');
      for (const r of senders) lines.push(`  ${r.name}: ${r.words}${r.via ? ` (via ${r.via})` : ''}`);
    }
  } else if (report.error) {
    lines.push(`Could not check: ${hostText(report.error.message)}`);
  }
  lines.push('');

  const records = report.mx_records ?? [];
  if (report.null_mx) {
    lines.push('Null MX: the domain declares that it accepts no mail.');
  } else if (!records.length) {
    lines.push('No MX records.');
  } else {
    lines.push(`MX hosts (${records.length}):`);
    for (const r of records) {
      const status = r.host === '.' ? '' : `: ${mxStatus(r).words}`;
      lines.push(`  ${r.priority} ${r.host}${r.implicit ? ' (implicit MX)' : ''}${r.cname ? ` (alias of ${r.cname})` : ''}${status}`);
      if (r.error) lines.push(`      ${hostText(r.error)}`);
      if (r.dane?.status) lines.push(`      ${daneText(r.dane)}`);
      if (Array.isArray(r.domain_blocklists) && r.domain_blocklists.length) {
        lines.push(`      ${blocklistSummary(r.domain_blocklists, { domain: true }).words}`);
      }
      const info = new Map((r.addresses ?? []).map((a) => [a.ip, a]));
      for (const ip of r.ips ?? []) {
        const probes = (r.smtp_probes ?? []).filter((p) => p.ip === ip).sort((a, b) => order.rank(a.port) - order.rank(b.port));
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
    for (const f of group) lines.push(`  - ${hostText(f.message)} [${f.code}]`);
  }
  const others = findings.filter((f) => !(f.severity in titles));
  if (others.length) {
    lines.push('', 'Other findings:');
    for (const f of others) lines.push(`  - ${hostText(f.message)} [${f.code}, ${f.severity}]`);
  }

  lines.push('', `Checked at ${report.checked_at} with mxhealth ${report.version}, from this computer's network.`);
  return lines.join('\n');
}
