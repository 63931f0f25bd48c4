// The page side of the connection to the background (see the message list in background.js).
// Turns the port's messages back into promises: one per request, settled by its final
// answer, with the progress of a check delivered to a callback on the way.
import { api } from './api.js';

// What a failed request rejects with. kind "host_problem": the helper cannot be used
// (problem = missing | forbidden | crashed | timeout | too_old); kind "error": the helper
// refused the request (code = input.empty_label, dns.config, ...).
export class CheckError extends Error {
  constructor(answer) {
    super(answer.message ?? answer.error?.message ?? 'unknown error');
    this.name = 'CheckError';
    this.kind = answer.type === 'host_problem' ? 'host_problem' : 'error';
    this.problem = answer.problem ?? null;
    this.code = answer.error?.code ?? null;
    this.option = answer.error?.option ?? null;
    this.details = answer.details ?? {};
  }
}

export class BackgroundClient {
  #port = null;
  #nextReq = 1;
  #waiting = new Map(); // req -> {resolve, reject, onProgress}

  #connect() {
    if (this.#port) return this.#port;
    const port = api.runtime.connect({ name: 'mxhealth-page' });
    port.onMessage.addListener((m) => this.#onMessage(m));
    port.onDisconnect.addListener(() => {
      // The background went away (e.g. the extension was reloaded). Whatever was waiting
      // cannot be answered any more; the next request connects again.
      if (this.#port !== port) return;
      this.#port = null;
      const waiting = [...this.#waiting.values()];
      this.#waiting.clear();
      for (const w of waiting) {
        w.reject(new CheckError({ type: 'host_problem', problem: 'crashed', message: 'The extension\'s background stopped.' }));
      }
    });
    this.#port = port;
    return port;
  }

  #onMessage(message) {
    const w = this.#waiting.get(message?.req);
    if (!w) return;
    if (message.type === 'progress') {
      w.onProgress?.(message);
      return;
    }
    this.#waiting.delete(message.req);
    if (message.type === 'error' || message.type === 'host_problem') w.reject(new CheckError(message));
    else w.resolve(message);
  }

  #request(message, onProgress = null) {
    const req = this.#nextReq++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(req, { resolve, reject, onProgress });
      try {
        this.#connect().postMessage({ ...message, req });
      } catch (e) {
        this.#waiting.delete(req);
        this.#port = null;
        reject(new CheckError({ type: 'host_problem', problem: 'crashed', message: String(e?.message ?? e) }));
      }
    });
  }

  // Resolves with {type: "result", report, cached, cached_age_ms, warnings} or
  // {type: "cancelled"}; rejects with CheckError.
  check(target, { fresh = false, onProgress = null } = {}) {
    return this.#request({ type: 'check', target, fresh }, onProgress);
  }

  cancel() {
    return this.#request({ type: 'cancel' });
  }

  hello() { return this.#request({ type: 'hello' }); }
  registrableDomain(host) { return this.#request({ type: 'registrable_domain', host }); }
  history(domain) { return this.#request({ type: 'history', domain }); }
  clearHistory(domain = '') { return this.#request(domain ? { type: 'clear_history', domain } : { type: 'clear_history' }); }
  activeTab() { return this.#request({ type: 'active_tab' }); }
  validateOptions(settings) { return this.#request({ type: 'validate_options', settings }); }
}
