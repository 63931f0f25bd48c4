// A-label -> U-label for display (RFC 3492 Punycode decoding). The host gives the Unicode
// form in the report (`domain_unicode`); this is only for the moments before the report
// arrives, when the progress messages carry the ASCII form. Anything odd is shown as is.
const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;

function adapt(delta, points, first) {
  let d = first ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / points);
  let k = 0;
  while (d > ((BASE - T_MIN) * T_MAX) >> 1) {
    d = Math.floor(d / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW));
}

function digitOf(c) {
  if (c >= 0x30 && c <= 0x39) return c - 22; // 0-9 -> 26-35
  if (c >= 0x41 && c <= 0x5a) return c - 0x41; // A-Z -> 0-25
  if (c >= 0x61 && c <= 0x7a) return c - 0x61; // a-z -> 0-25
  return BASE;
}

function decodeLabel(input) {
  const output = [];
  const basic = Math.max(input.lastIndexOf('-'), 0);
  for (let j = 0; j < basic; j++) {
    if (input.charCodeAt(j) >= 0x80) throw new Error('not basic');
    output.push(input.charCodeAt(j));
  }
  let n = 128;
  let bias = 72;
  let i = 0;
  for (let index = basic > 0 ? basic + 1 : 0; index < input.length;) {
    const oldI = i;
    let w = 1;
    for (let k = BASE; ; k += BASE) {
      if (index >= input.length) throw new Error('truncated');
      const digit = digitOf(input.charCodeAt(index++));
      if (digit >= BASE) throw new Error('bad digit');
      i += digit * w;
      const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
      if (digit < t) break;
      w *= BASE - t;
      if (w > 0x7fffffff) throw new Error('overflow');
    }
    const length = output.length + 1;
    bias = adapt(i - oldI, length, oldI === 0);
    n += Math.floor(i / length);
    i %= length;
    if (n > 0x10ffff) throw new Error('overflow');
    output.splice(i++, 0, n);
  }
  return String.fromCodePoint(...output);
}

export function toUnicode(domain) {
  return String(domain ?? '').split('.').map((label) => {
    if (!/^xn--/i.test(label) || label.length > 63) return label;
    try { return decodeLabel(label.slice(4)); } catch { return label; }
  }).join('.');
}
