// When the helper program cannot be used: the box that says so in plain words with what to
// do (not installed, registered for another extension, too old, silent, crashed), and the
// one sentence for the verdict banner. Used by the check screen and the options page.
import { clear, el } from './util.js';

const PROBLEM_STATUS = Object.freeze({
  missing: 'The mxhealth helper is not installed.',
  too_old: 'The mxhealth helper is too old for this extension.',
  forbidden: 'The mxhealth helper is not registered for this extension.',
  crashed: 'The mxhealth helper stopped unexpectedly.',
});

// One sentence for the banner of a page whose check failed on the helper.
export function problemStatus({ problem, details = {} }) {
  if (problem === 'timeout') return `The mxhealth helper didn't answer in ${details?.seconds ?? '?'} s.`;
  return PROBLEM_STATUS[problem] ?? PROBLEM_STATUS.crashed;
}

const INSTALL = 'installer/install.sh';

function paragraph(...parts) {
  return el('p', {}, ...parts.map((p) => (typeof p === 'string' ? p : el('code', { text: p.code }))));
}

// Fills #host-problem with plain words for each problem; returns the "Try again" button.
export function renderHostProblem(node, { problem, message, details = {} }) {
  clear(node);
  node.hidden = false;
  node.dataset.problem = problem;
  const title = el('h2', { class: 'problem-title' });
  node.append(title);
  const install = paragraph('Install it: run ', { code: INSTALL }, ' from the mxhealth source folder, then restart the browser. ',
    { code: 'mxhealth doctor' }, ' checks the registration.');
  switch (problem) {
    case 'missing':
      title.textContent = 'Install the mxhealth helper';
      node.append(
        el('p', { text: 'The mxhealth helper program is not installed (or not registered with this browser). It does the DNS lookups and SMTP connections a browser can\'t.' }),
        install);
      break;
    case 'too_old': {
      const found = details.found ?? {};
      const needed = details.needed ?? {};
      title.textContent = 'Update the mxhealth helper';
      node.append(
        el('p', { text: `Found: mxhealth ${found.host_version ?? '(unknown version)'}, protocol ${found.protocol_version ?? '?'}${found.messages?.length ? `, requests ${found.messages.join(', ')}` : ''}.` }),
        el('p', { text: `Needed: protocol ${needed.protocol_version ?? 1} with the requests ${(needed.messages ?? []).join(', ')}.` }),
        paragraph('Update it: run ', { code: INSTALL }, ' from a current mxhealth source folder, then restart the browser. ',
          { code: 'mxhealth doctor' }, ' checks the registration.'));
      break;
    }
    case 'forbidden':
      title.textContent = 'Register the helper for this extension';
      node.append(
        el('p', { text: 'The helper is installed, but its registration does not allow this extension (its ID or origin is not listed).' }),
        paragraph('Run ', { code: INSTALL }, ' again from the mxhealth source folder, then restart the browser. ',
          { code: 'mxhealth doctor' }, ' checks the registration.'));
      break;
    case 'timeout':
      title.textContent = 'The helper did not answer';
      node.append(el('p', { text: `The mxhealth helper didn't answer in ${details.seconds ?? '?'} s. It may be stuck on a slow network; try again.` }));
      break;
    default:
      title.textContent = 'The helper stopped';
      node.append(
        el('p', { text: `The mxhealth helper stopped unexpectedly${message ? ` (the browser says: “${String(message).replace(/\.$/, '')}”)` : ''}. Try again: that starts a new one.` }),
        paragraph('If it keeps happening, reinstall it with ', { code: INSTALL }, ' and run ', { code: 'mxhealth doctor' }, '.'));
  }
  const retry = el('button', { type: 'button', id: 'retry-button', class: 'button', text: 'Try again' });
  node.append(el('div', { class: 'problem-actions' }, retry));
  return retry;
}

export function hideHostProblem(node) {
  clear(node);
  node.hidden = true;
  delete node.dataset.problem;
}
