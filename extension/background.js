// The background (a service worker in Chromium, a background script in Firefox).
//
// It owns the one connection to the native host (native.js) and serves the extension's own
// pages over runtime ports named "mxhealth-page". Each page message carries a `req` number
// chosen by the page; every answer repeats it. See client.js for the page side.
//
// page -> background                         background -> page
//   {req, type: "check", target, fresh}        {req, type: "progress", stage, ...}  (0..n)
//                                              then one of {req, type: "result", report, cached,
//                                              cached_age_ms, warnings} | {req, type: "cancelled"} |
//                                              {req, type: "error", error: {code, message}} |
//                                              {req, type: "host_problem", problem, message, details}
//   {req, type: "cancel"}                      {req, type: "cancel", ok, found}
//   {req, type: "hello"}                       {req, type: "hello", ok, host_version, protocol_version, capabilities}
//   {req, type: "registrable_domain", host}    {req, type: "registrable_domain", ok, host, domain}
//   {req, type: "history", domain}             {req, type: "history", ok, domain, entries}
//   {req, type: "clear_history", domain?}      {req, type: "clear_history", ok, removed}
//   {req, type: "active_tab"}                  {req, type: "active_tab", ok, url, tab_id}
//   {req, type: "validate_options", settings}  {req, type: "validate_options", ok, supported, valid, problems}
// Any request can also end in "error" or "host_problem" instead.
import { api } from './api.js';
import { NativeHost, HostProblem, RequestFailed, TIMEOUTS } from './native.js';
import { checkOptions, loadSettings, normalizeSettings, optionValue } from './settings.js';
import { setupMenus, targetFromContextClick } from './menus.js';
import { reportMatchesTab, showVerdictBadge } from './badge.js';

const PAGE_PORT = 'mxhealth-page';
// A target, host or domain from a page: room for any URL or address a person gives, and far
// below the host's frame limit, so a page can never end the host's session with one.
const MAX_TARGET = 4096;

const host = new NativeHost();

// ---- Who may talk to us --------------------------------------------------------------------

// Only this extension's own pages: other extensions cannot reach runtime.onConnect (that is
// onConnectExternal), but a content script of ours could, and we have no reason to serve one.
function fromOurPages(sender) {
  return sender?.id === api.runtime.id
    && typeof sender.url === 'string'
    && sender.url.startsWith(api.runtime.getURL(''));
}

// ---- Answers --------------------------------------------------------------------------------

function failure(error) {
  if (error instanceof HostProblem) {
    return { type: 'host_problem', ok: false, problem: error.problem, message: error.message, details: error.details };
  }
  if (error instanceof RequestFailed) {
    const answer = { type: 'error', ok: false, error: { code: error.code, message: error.message } };
    if (error.option) answer.error.option = error.option;
    return answer;
  }
  console.error('mxhealth:', error);
  return { type: 'error', ok: false, error: { code: 'internal', message: String(error?.message ?? error) } };
}

function stringParam(value, name) {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_TARGET) {
    throw new RequestFailed('request.invalid', `${name} must be a non-empty string.`);
  }
  return value.trim();
}

// The requests with a single answer; used by page ports and by runtime.sendMessage.
async function answer(message, session) {
  switch (message.type) {
    case 'hello': {
      const h = await host.hello();
      return { type: 'hello', ok: true, host_version: h.host_version, protocol_version: h.protocol_version, capabilities: h.capabilities };
    }
    case 'registrable_domain': {
      const a = await host.request('registrable_domain', { host: stringParam(message.host, 'host') }, TIMEOUTS.registrable_domain);
      return { type: 'registrable_domain', ok: true, host: a.host, domain: a.domain };
    }
    case 'history': {
      const a = await host.request('history', { domain: stringParam(message.domain, 'domain') }, TIMEOUTS.history);
      return { type: 'history', ok: true, domain: a.domain, entries: Array.isArray(a.entries) ? a.entries : [] };
    }
    case 'clear_history': {
      const params = message.domain ? { domain: stringParam(message.domain, 'domain') } : {};
      const a = await host.request('clear_history', params, TIMEOUTS.clear_history);
      return { type: 'clear_history', ok: true, removed: a.removed ?? 0 };
    }
    case 'validate_options': {
      // Whether the host can use these settings' files and resolvers, before they are saved.
      // A host without the request: supported false, and the page saves as before.
      const h = await host.hello();
      if (!(h.capabilities?.messages ?? []).includes('validate_options')) {
        return { type: 'validate_options', ok: true, supported: false, valid: true, problems: [] };
      }
      const options = checkOptions(normalizeSettings(message.settings), h.capabilities);
      const a = await host.request('validate_options', { options }, TIMEOUTS.validate_options);
      const problems = (Array.isArray(a.problems) ? a.problems : [])
        .filter((p) => p && typeof p === 'object')
        .map((p) => ({ option: String(p.option ?? ''), message: String(p.message ?? '') }));
      return { type: 'validate_options', ok: true, supported: true, valid: a.valid === true && problems.length === 0, problems };
    }
    case 'active_tab': {
      // activeTab grants the URL of the tab whose toolbar button opened the popup.
      const [tab] = await api.tabs.query({ active: true, lastFocusedWindow: true });
      if (session) session.tab = tab ? { id: tab.id, url: tab.url ?? null } : null;
      return { type: 'active_tab', ok: true, url: tab?.url ?? null, tab_id: tab?.id ?? null };
    }
    default:
      throw new RequestFailed('request.unknown_type', `unknown request type ${JSON.stringify(message.type)}`);
  }
}

// ---- Checks ---------------------------------------------------------------------------------

// A page runs at most one check at a time; a new one replaces the old.
async function runCheck(session, message, reply) {
  session.check?.cancel();
  const check = { cancelled: false, handle: null, cancel() { this.cancelled = true; this.handle?.cancel(); } };
  session.check = check;
  try {
    const target = stringParam(message.target, 'target');
    const [settings, hello] = await Promise.all([loadSettings(), host.hello()]);
    if (check.cancelled) {
      reply({ type: 'cancelled', ok: false });
      return;
    }
    const options = checkOptions(settings, hello.capabilities, { fresh: message.fresh === true });
    // The check's own limit (the user's, else the host's default) plus a grace period.
    const seconds = optionValue('timeout', settings, hello.capabilities);
    check.handle = host.startCheck({ target, options }, {
      timeoutMs: Number.isFinite(seconds) ? seconds * 1000 + TIMEOUTS.checkGrace : TIMEOUTS.checkUnadvertised,
      onProgress: ({ id, ...progress }) => reply(progress), // the host's, as it sent it
    });
    const outcome = await check.handle.done;
    if (outcome.cancelled) {
      reply({ type: 'cancelled', ok: false });
      return;
    }
    reply({ type: 'result', ok: true, ...outcome });
    if (session.tab && reportMatchesTab(outcome.report, session.tab.url)) {
      await showVerdictBadge(session.tab.id, outcome.report);
    }
  } catch (e) {
    reply(failure(e));
  } finally {
    if (session.check === check) session.check = null;
  }
}

function onPageConnect(port) {
  if (port.name !== PAGE_PORT || !fromOurPages(port.sender)) {
    port.disconnect();
    return;
  }
  const session = { port, open: true, check: null, tab: null };
  port.onDisconnect.addListener(() => {
    // Nobody is left to see the result: stop the probes.
    session.open = false;
    session.check?.cancel();
    session.check = null;
  });
  port.onMessage.addListener((message) => {
    if (!message || typeof message !== 'object' || typeof message.type !== 'string') return;
    const reply = (m) => {
      if (!session.open) return;
      try { port.postMessage({ ...m, req: message.req }); } catch { session.open = false; }
    };
    if (message.type === 'check') {
      runCheck(session, message, reply);
    } else if (message.type === 'cancel') {
      const running = session.check;
      running?.cancel();
      reply({ type: 'cancel', ok: true, found: Boolean(running) });
    } else {
      answer(message, session).then(reply, (e) => reply(failure(e)));
    }
  });
}

// One-shot requests (runtime.sendMessage) for anything but checks, which need a port to
// stream on and to be cancelled when the page goes away.
function onRuntimeMessage(message, sender, sendResponse) {
  if (!fromOurPages(sender) || !message || typeof message.type !== 'string') return false;
  if (message.type === 'check' || message.type === 'cancel') return false;
  answer(message, null).then(sendResponse, (e) => sendResponse(failure(e)));
  return true; // the answer comes asynchronously
}

// ---- Context menus --------------------------------------------------------------------------

// www.shop.example.co.uk -> example.co.uk, as the popup does: mail is usually handled for the
// registered domain, not for the web server's name. Without a usable helper the host name
// is checked as it is (and the report page then says what is wrong with the helper).
async function siteDomain(hostName) {
  try {
    const answer = await host.request('registrable_domain', { host: hostName }, TIMEOUTS.registrable_domain);
    return typeof answer.domain === 'string' && answer.domain ? answer.domain : hostName;
  } catch {
    return hostName;
  }
}

async function handleContextMenuClick(info, tab) {
  let target = targetFromContextClick(info, tab);
  if (!target) return null;
  if (info.menuItemId === 'check-page') target = await siteDomain(target);
  const url = api.runtime.getURL(`report.html?target=${encodeURIComponent(target)}`);
  const properties = { url, active: true };
  // Next to the tab it came from (the browser clamps the index to the window).
  if (Number.isInteger(tab?.index) && tab.index >= 0) properties.index = tab.index + 1;
  return api.tabs.create(properties);
}

// ---- Wiring (top level, so that a restarted service worker gets its events) -----------------

api.runtime.onConnect.addListener(onPageConnect);
api.runtime.onMessage.addListener(onRuntimeMessage);
api.contextMenus.onClicked.addListener(handleContextMenuClick);
api.runtime.onInstalled.addListener(() => { setupMenus(); });
setupMenus();

// The end-to-end tests call the menu handler directly.
globalThis.mxhealth = Object.freeze({ handleContextMenuClick });
