// The context menu items and how a click on one becomes a check target.
import { api } from './api.js';

export const MENU_ITEMS = Object.freeze([
  { id: 'check-mailto', title: 'Check mail servers for this address', contexts: ['link'], targetUrlPatterns: ['mailto:*'] },
  { id: 'check-selection', title: 'Check mail servers for “%s”', contexts: ['selection'] },
  { id: 'check-page', title: 'Check mail servers for this site', contexts: ['page'] },
]);

// Selections can be whole pages; nothing longer than this is worth looking through.
const MAX_SELECTION = 4096;

let setup = Promise.resolve();

// Menus survive restarts in some browsers and not in others, so they are created on
// install and again whenever the background starts, always after removing the old ones.
// Runs are chained so that the two never interleave into "duplicate id" errors.
export function setupMenus() {
  setup = setup.then(createMenus, createMenus);
  return setup;
}

// Resolves with the error message, or null when the item was created.
function create(properties) {
  return new Promise((resolve) => {
    try {
      api.contextMenus.create(properties, () => resolve(api.runtime.lastError?.message ?? null));
    } catch (e) {
      resolve(String(e?.message ?? e));
    }
  });
}

async function createMenus() {
  await api.contextMenus.removeAll();
  await Promise.all(MENU_ITEMS.map(async (item) => {
    const properties = { ...item, contexts: [...item.contexts] };
    let error = await create(properties);
    // Firefox accepts only http(s)-like match patterns, not "mailto:*": there the item is
    // offered on every link, and a click on a web link checks that link's host.
    if (error && properties.targetUrlPatterns) {
      delete properties.targetUrlPatterns;
      error = await create(properties);
    }
    if (error) console.warn(`mxhealth: context menu ${item.id}:`, error);
  }));
}

// mailto:Jane%20Doe%20%3Cjane@example.com%3E,bob@example.org?subject=Hi -> Jane Doe <jane@example.com>
export function addressFromMailto(url) {
  const match = /^mailto:([^?#]*)/i.exec(String(url ?? ''));
  if (!match) return null;
  let list = match[1];
  try { list = decodeURIComponent(list); } catch { /* keep it encoded */ }
  const first = list.split(',').map((a) => a.trim()).find(Boolean);
  return first || null;
}

const EMAIL = /[^\s<>()[\]{}"'`,;:]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[\p{L}][\p{L}\p{N}-]*/u;
const DOMAIN = /(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[\p{L}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?/u;

// The first email address in the text, else the first thing that looks like a domain
// (which also finds the host of a URL), else the text itself so that the report page can
// say why it is not a domain.
export function targetFromText(text) {
  const t = String(text ?? '').trim().slice(0, MAX_SELECTION);
  if (!t) return null;
  const found = EMAIL.exec(t) ?? DOMAIN.exec(t);
  if (found) return found[0];
  return t.slice(0, 256);
}

export function hostFromUrl(url) {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.hostname || null;
  } catch {
    return null;
  }
}

export function targetFromContextClick(info, tab) {
  switch (info?.menuItemId) {
    case 'check-mailto': return addressFromMailto(info.linkUrl) ?? hostFromUrl(info.linkUrl);
    case 'check-selection': return targetFromText(info.selectionText);
    case 'check-page': return hostFromUrl(info.pageUrl ?? tab?.url);
    default: return null;
  }
}
