// Small helpers shared by the pages: elements built without HTML strings, sentences,
// plurals and RFC links.
//
// Everything that comes from the host (and so from DNS and from mail servers: hostile
// text) goes into the page with textContent or as attribute values of elements built here.

// el('p', {class: 'x', text: 'hello', 'data-code': 'mx.null'}, child, 'text', ...)
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (/^on/i.test(key)) throw new Error(`el: event handler attribute ${key}`);
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = String(value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

// "the DNS resolver did not answer" -> "The DNS resolver did not answer." A first word that
// is a name ("nullmx.test publishes ...") keeps its case.
export function sentence(text) {
  const t = String(text ?? '').trim();
  if (!t) return '';
  const first = t.split(/\s/, 1)[0];
  const s = /^[a-z]+$/.test(first) ? t[0].toUpperCase() + t.slice(1) : t;
  return /[.!?…]$/.test(s) ? s : `${s}.`;
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

// "RFC 5321 §3.1, RFC 8314 (587, 465)" -> [{rfc: "5321", section: "3.1"}, {rfc: "8314"}]
export function rfcReferences(reference) {
  const out = [];
  const seen = new Set();
  const re = /RFC\s*(\d{1,5})(?:\s*(?:§|section\s+)\s*(\d+(?:\.\d+)*))?/gi;
  for (const m of String(reference ?? '').matchAll(re)) {
    const rfc = String(Number(m[1]));
    const section = m[2] ?? null;
    const key = `${rfc}#${section}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      rfc,
      section,
      label: section ? `RFC ${rfc} §${section}` : `RFC ${rfc}`,
      url: `https://www.rfc-editor.org/rfc/rfc${rfc}${section ? `#section-${section}` : ''}`,
    });
  }
  return out;
}
