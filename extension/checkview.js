// The check screen shared by the popup and the report page: the target field, Check and
// Cancel, the verdict banner, the status line, the MX list that fills in while the check
// runs, the findings, the helper problems and the copy buttons. Its markup is built here from
// checkscreen.js, in the place of the page's #check-screen; the pages add their own parts
// through the callbacks.
import { api } from './api.js';
import { hasAssessment, renderDimensions, renderSenders } from './assessment.js';
import { hidePolicies, renderPolicies } from './checks.js';
import { checkScreen } from './checkscreen.js';
import { dimensionFindings, renderFindings } from './findings.js';
import { hideHostProblem, problemStatus, renderHostProblem } from './hostproblem.js';
import { toUnicode as displayDomain } from './idn.js';
import { MxListView } from './mxlist.js';
import { portOrder } from './ports.js';
import { defaultPorts, optionLabel } from './settings.js';
import { reportSummary } from './summary.js';
import { clear, el, formatAge, formatDuration, hostText, isCompactPage, plural, sentence } from './util.js';
import { renderVerdict, verdictSummary } from './verdict.js';

const $ = (id) => document.getElementById(id);

// The option that made a check fail: the host names it (`option`); a host that does not is
// understood from the error code.
export function failedOption(error) {
  if (!error) return null;
  if (typeof error.option === 'string' && error.option) return error.option;
  if (error.code === 'tls.config') return 'ca_file';
  if (error.code === 'dns.config') return /trust.?anchor/i.test(String(error.message)) ? 'trust_anchor' : 'resolver';
  return null;
}

// "The option “Extra trusted CA certificates” cannot be used: …" and a link to the options.
function optionProblem(option, message) {
  const label = optionLabel(option);
  // "The CA file … does not exist" continues the sentence: "cannot be used: the CA file …".
  const reason = hostText(message).trim().replace(/\.$/, '').replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase());
  const link = el('a', { class: 'options-link', href: api.runtime.getURL('options.html'), target: '_blank', text: 'Change it in Options' });
  link.addEventListener('click', (event) => {
    event.preventDefault();
    api.runtime.openOptionsPage();
  });
  return {
    summary: `The option “${label}” cannot be used${reason ? `: ${reason}` : ''}.`,
    extra: link,
  };
}

export class CheckView {
  constructor(client, { onStart = () => {}, onReport = () => {}, onEnd = () => {} } = {}) {
    this.client = client;
    this.hooks = { onStart, onReport, onEnd };
    this.report = null;
    this.cachedResult = false;
    this.target = '';
    this.run = 0;
    this.running = false;
    this.portOrder = portOrder(); // the host's, once it has said hello

    $('check-screen').replaceWith(...checkScreen({ compact: isCompactPage() }));
    this.form = $('check-form');
    this.input = $('target-input');
    this.cancelButton = $('cancel-button');
    this.againButton = $('check-again');
    this.hint = $('hint');
    this.verdict = $('verdict');
    this.dimensions = $('dimensions');
    this.openReport = $('open-report'); // the popup's way to the full report
    this.senders = $('senders');
    this.sendersCard = this.senders?.closest('section') ?? null;
    this.finished = false; // a check ended (with a result or an error) and nothing runs
    this.status = $('status');
    this.warnings = $('warnings');
    this.problem = $('host-problem');
    this.results = $('results');
    this.mx = new MxListView($('mx-list'));
    this.findings = $('findings');
    this.findingsCard = this.findings.closest('section');
    this.policies = $('policies'); // the "Mail policies" card
    this.copySummary = $('copy-summary');
    this.copyJson = $('copy-json');
    this.actions = this.copyJson.closest('.actions');

    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const target = this.input.value.trim();
      if (!target) {
        this.setStatus('Enter a domain, an email address or a URL.');
        this.input.focus();
        return;
      }
      // Checking the domain that is on screen again means "check it again", not "show me
      // the cached answer".
      this.check(target, { fresh: this.#isShown(target) });
    });
    this.cancelButton.addEventListener('click', () => this.cancel());
    this.againButton?.addEventListener('click', () => { if (this.target) this.check(this.target, { fresh: true }); });
    this.copySummary.addEventListener('click', () => this.#copy((r) => reportSummary(r, this.portOrder), 'Summary copied to the clipboard.'));
    this.copyJson.addEventListener('click', () => this.#copy((r) => JSON.stringify(r, null, 2), 'JSON copied to the clipboard.'));
    this.#setRunning(false);
  }

  #isShown(target) {
    const t = target.toLowerCase().replace(/\.$/, '');
    const r = this.report;
    return !this.running && (t === this.target.toLowerCase() || (r !== null && (t === r.domain || t === r.domain_unicode)));
  }

  setStatus(text) {
    this.status.textContent = text;
  }

  // Nothing to check yet: an empty field and a hint.
  idle(hintText) {
    this.run += 1;
    this.#setRunning(false);
    this.finished = false;
    this.verdict.hidden = true;
    delete this.verdict.dataset.verdict;
    this.#hideStory();
    this.results.hidden = true;
    this.actions.hidden = true; // nothing to copy or open yet
    this.hint.textContent = hintText;
    this.hint.hidden = !hintText;
    this.setStatus('');
    this.input.focus();
  }

  async check(target, { fresh = false } = {}) {
    const run = ++this.run;
    this.target = target;
    this.report = null;
    this.cachedResult = false;
    this.finished = false;
    this.input.value = target;
    this.hint.hidden = true;
    hideHostProblem(this.problem);
    this.mx.reset();
    clear(this.findings);
    this.findingsCard.hidden = true;
    hidePolicies(this.policies);
    clear(this.warnings);
    this.#hideStory();
    this.results.hidden = true;
    this.actions.hidden = false;
    this.#setRunning(true);
    renderVerdict(this.verdict, { verdict: 'checking', domain: displayDomain(target), summary: 'Looking up the mail servers…' });
    this.setStatus(`Checking ${displayDomain(target)}…`);
    this.hooks.onStart(target);
    try {
      // The host's default ports set the order of the probe rows. A hello that fails is
      // the check's failure too, and the check says it.
      const hello = this.client.hello().then((h) => {
        if (run === this.run) this.mx.order = this.portOrder = portOrder(defaultPorts(h.capabilities));
      }, () => {});
      const answer = await this.client.check(target, {
        fresh,
        onProgress: (p) => { if (run === this.run) this.#progress(p); },
      });
      await hello;
      if (run !== this.run) return;
      if (answer.type === 'cancelled') this.#cancelled();
      else this.#showResult(answer);
    } catch (error) {
      if (run !== this.run) return;
      this.showError(error, () => this.check(target, { fresh }));
    } finally {
      if (run === this.run) {
        this.finished = true;
        this.#setRunning(false);
        this.hooks.onEnd();
      }
    }
  }

  cancel() {
    if (!this.running) return;
    this.setStatus('Cancelling…');
    this.client.cancel().catch(() => {});
  }

  // A failure from the client: the helper cannot be used, or it refused the request. The
  // reason is said once, under the verdict; the status line does not repeat it.
  showError(error, retry) {
    this.#setRunning(false);
    this.mx.stop();
    if (error.kind === 'host_problem') {
      const button = renderHostProblem(this.problem, error);
      button.addEventListener('click', () => retry());
      renderVerdict(this.verdict, { verdict: 'error', domain: displayDomain(this.target), summary: problemStatus(error) });
      this.setStatus('');
      return;
    }
    const option = failedOption(error);
    if (option) {
      const p = optionProblem(option, error.message);
      renderVerdict(this.verdict, { verdict: 'error', domain: displayDomain(this.target), summary: p.summary, extra: p.extra });
      this.verdict.dataset.option = option;
    } else {
      renderVerdict(this.verdict, { verdict: 'error', domain: displayDomain(this.target), summary: sentence(hostText(error.message)) });
    }
    this.setStatus('Not checked.');
  }

  #hideStory() {
    delete this.verdict.dataset.option;
    if (this.dimensions) {
      clear(this.dimensions);
      this.dimensions.hidden = true;
    }
    if (this.sendersCard) this.sendersCard.hidden = true;
  }

  #setRunning(running) {
    this.running = running;
    this.cancelButton.disabled = !running;
    this.verdict.setAttribute('aria-busy', String(running));
    const hasReport = Boolean(this.report);
    this.copySummary.disabled = !hasReport;
    this.copyJson.disabled = !hasReport;
    // Nothing to copy after a check that gave no report.
    const nothing = !running && this.finished && !hasReport;
    this.copySummary.hidden = nothing;
    this.copyJson.hidden = nothing;
    // "Check again" after every check that ended: with a result, could not be done, or failed
    // (the helper's own problems have their "Try again" instead).
    if (this.againButton) {
      this.againButton.hidden = running || !this.target || !this.finished || !this.problem.hidden;
    }
    if (this.openReport) {
      this.openReport.hidden = !hasReport;
      this.openReport.disabled = running || !hasReport;
    }
  }

  #progress(p) {
    if (p.stage === 'dns') {
      this.results.hidden = false;
      this.mx.showDns(p);
      const hosts = (p.mx_records ?? []).filter((r) => r.host !== '.');
      const name = displayDomain(p.domain);
      this.verdict.querySelector('#domain').textContent = name;
      const summary = p.null_mx
        ? 'The domain publishes a Null MX.'
        : hosts.length ? `Found ${plural(hosts.length, 'mail server')}; talking to them…` : 'No mail servers found.';
      this.verdict.querySelector('.verdict-summary').textContent = summary;
      this.setStatus(summary);
    } else if (p.stage === 'probe') {
      this.results.hidden = false;
      this.mx.addProbe(p.host, p.probe);
    } else if (p.stage === 'side') {
      // Reverse DNS, blocklists and policies, as they come. Their shape may still change, so
      // a message this page cannot read is skipped: the report at the end has everything.
      try {
        this.mx.showSide(p);
        if (p.policies && typeof p.policies === 'object') renderPolicies(this.policies, p.policies);
      } catch (e) {
        console.warn('mxhealth: progress stage side', e);
      }
    }
    // Other stages (from a newer host) are ignored.
  }

  #showResult(answer) {
    const report = answer.report;
    this.report = report;
    this.cachedResult = answer.cached === true;
    hideHostProblem(this.problem);
    this.results.hidden = false;
    const compact = isCompactPage();
    const option = report.error ? failedOption(report.error) : null;
    const problem = option && report.error?.option ? optionProblem(option, report.error.message) : null;
    renderVerdict(this.verdict, {
      verdict: report.verdict,
      domain: report.domain_unicode || report.domain,
      summary: verdictSummary(report),
      kind: hasAssessment(report) ? report.assessment.headline.kind : null,
      extra: problem?.extra ?? null,
    });
    if (option && problem) this.verdict.dataset.option = option;
    if (this.dimensions) {
      renderDimensions(this.dimensions, report, { compact, findingsFor: (key) => dimensionFindings(report, key) });
    }
    if (this.sendersCard) this.sendersCard.hidden = !renderSenders(this.senders, report);
    this.mx.showReport(report);
    renderFindings(this.findings, report.findings, report);
    this.findingsCard.hidden = false;
    renderPolicies(this.policies, report); // stays hidden for a host that does not check them
    for (const w of answer.warnings ?? []) this.warnings.append(el('li', { text: sentence(hostText(w)) }));
    this.setStatus(answer.cached
      ? `Result from ${formatAge(answer.cached_age_ms ?? 0)} ago (cached).`
      : `Checked in ${formatDuration(report.duration_ms)}.`);
    this.hooks.onReport(report, answer);
  }

  #cancelled() {
    this.mx.stop();
    renderVerdict(this.verdict, {
      verdict: 'cancelled',
      domain: this.verdict.querySelector('#domain').textContent,
      summary: 'The check was stopped before it finished.',
    });
    this.setStatus('Cancelled.');
  }

  async #copy(format, done) {
    if (!this.report) return;
    try {
      await navigator.clipboard.writeText(format(this.report));
      this.setStatus(done);
    } catch (e) {
      this.setStatus(`Could not copy: ${e?.message ?? e}`);
    }
  }
}
