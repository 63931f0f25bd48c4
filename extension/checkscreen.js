// The check screen's markup, written once for the popup and the report page: the target
// field with Check and Cancel, the verdict banner, the helper-problem box, the status line
// with the page's buttons, the warnings, and the result cards. Built with el() (no HTML from
// strings, no inline script: the CSP of Manifest V3); CheckView (checkview.js) fills it.
//
// The popup is compact: "Check again" and "Open full report" on the status line, the copy
// buttons under the cards. The report page has the check's date and duration under the
// verdict, "Check again" and the copy buttons on the status line, and the "What senders do"
// card first.
import { el } from './util.js';

function button(id, text, { primary = false, ...props } = {}) {
  return el('button', { type: 'button', id, class: primary ? 'button button-primary' : 'button', ...props, text });
}

function card({ id = null, titleId, title, hidden = false }, ...body) {
  return el('section', { class: 'card', id, 'aria-labelledby': titleId, hidden },
    el('h2', { id: titleId, class: 'card-title', text: title }), ...body);
}

function checkForm() {
  return el('form', { id: 'check-form', class: 'check-form', novalidate: true },
    el('label', { for: 'target-input', text: 'Domain, email address or URL' }),
    el('div', { class: 'check-row' },
      el('input', {
        id: 'target-input', name: 'target', type: 'text', autocomplete: 'off', spellcheck: 'false',
        autocapitalize: 'off', placeholder: 'example.com', 'aria-describedby': 'hint',
      }),
      el('button', { type: 'submit', id: 'check-button', class: 'button button-primary', text: 'Check' }),
      button('cancel-button', 'Cancel', { disabled: true })),
    el('p', { id: 'hint', class: 'hint', hidden: true }));
}

function verdictBanner({ compact }) {
  return el('section', { id: 'verdict', class: 'verdict', hidden: true, 'aria-label': 'Verdict' },
    el('span', { class: 'verdict-icon', 'aria-hidden': 'true' }),
    el('div', { class: 'verdict-body' },
      el('p', { class: 'verdict-head' },
        el('strong', { class: 'verdict-label' }), ' ', el('span', { id: 'domain', class: 'domain' })),
      el('p', { id: 'headline', class: 'verdict-summary' }),
      el('p', { class: 'verdict-action', hidden: true }),
      compact ? null : el('p', { id: 'report-meta', class: 'verdict-meta' })),
    el('ul', { id: 'dimensions', class: 'dimensions', 'aria-label': 'What was checked', hidden: true }));
}

function copyButtons() {
  return [button('copy-summary', 'Copy summary', { disabled: true }), button('copy-json', 'Copy JSON', { disabled: true })];
}

function sendersCard() {
  const th = (text) => el('th', { scope: 'col', text });
  return card({ id: 'senders-section', titleId: 'senders-title', title: 'What senders do', hidden: true },
    el('p', { class: 'section-note', text: 'What each kind of sending mail server does with a message sent now. Only port 25 counts here: it is where other servers deliver.' }),
    el('div', { class: 'table-scroll' },
      el('table', { class: 'table senders-table' },
        el('thead', {}, el('tr', {}, th('Sender'), th('What happens'), th('Via'), th('Why'))),
        el('tbody', { id: 'senders' }))));
}

function resultCards({ compact }) {
  return el('div', { id: 'results', hidden: true },
    compact ? null : sendersCard(),
    card({ titleId: 'mx-title', title: 'Mail servers' }, el('ol', { id: 'mx-list', class: 'mx-list' })),
    card({ titleId: 'findings-title', title: 'Findings' }, el('div', { id: 'findings', class: 'findings' })),
    card({ id: 'policies', titleId: 'policies-title', title: 'Mail policies', hidden: true }, el('ul', { class: 'policy-list' })));
}

// The nodes of the check screen, in page order. `compact`: the popup's form.
export function checkScreen({ compact }) {
  const pageButtons = compact
    ? el('div', { class: 'result-actions' },
      button('check-again', 'Check again', { hidden: true }),
      button('open-report', 'Open full report', { primary: true, hidden: true }))
    : el('div', { class: 'actions' }, button('check-again', 'Check again', { primary: true, hidden: true }), ...copyButtons());
  return [
    checkForm(),
    verdictBanner({ compact }),
    el('div', { id: 'host-problem', class: 'host-problem', role: 'alert', hidden: true }),
    el('div', { class: 'status-row' },
      el('p', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }),
      pageButtons),
    el('ul', { id: 'warnings', class: 'warnings' }),
    resultCards({ compact }),
    compact ? el('div', { class: 'actions' }, ...copyButtons()) : null,
  ].filter(Boolean);
}
