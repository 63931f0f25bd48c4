// The WebExtension namespace. Firefox provides `browser`, Chromium `chrome`; under Manifest V3
// both return promises from their asynchronous functions, so no code here passes callbacks
// (except where an API only reports errors through runtime.lastError).
export const api = globalThis.browser ?? globalThis.chrome;
