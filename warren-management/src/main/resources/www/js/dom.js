// Small DOM helpers. Every value from the broker goes in as text, never as HTML.

/** h('a', {href: '#/x', onclick: f}, 'text', child, ...) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'testid') el.dataset.testid = value;
    else if (name in el && typeof value !== 'string') el[name] = value;
    else el.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/**
 * A table of `rows`; each column is {title, value: row => text or Node, num: right-aligned}.
 * `key` names each row (data-key) so tests and refreshes can find it.
 */
export function table(columns, rows, { key, empty = 'Nothing to show.', testid } = {}) {
  if (rows.length === 0) return h('p', { class: 'empty', testid }, empty);
  return h('table', { testid },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.num ? 'num' : '' }, c.title)))),
    h('tbody', {}, rows.map((row) => h('tr', { 'data-key': key ? key(row) : null },
      columns.map((c) => h('td', { class: c.num ? 'num' : '', 'data-col': c.id || null },
        c.value(row)))))));
}

/** A labelled form control. */
export function field(label, control, hint) {
  return h('label', { class: 'field' }, h('span', {}, label), control, hint ? h('small', {}, hint) : null);
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
  return el;
}

export const fmt = {
  num(n) {
    return n === undefined || n === null ? '' : Number(n).toLocaleString('en');
  },
  /** A `*_details` object's rate, as "1.2/s". */
  rate(details) {
    const r = details && typeof details.rate === 'number' ? details.rate : 0;
    return `${r < 10 && r !== 0 ? r.toFixed(1) : Math.round(r)}/s`;
  },
  bytes(n) {
    if (typeof n !== 'number') return '';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return `${n < 10 && i > 0 ? n.toFixed(1) : Math.round(n)} ${units[i]}`;
  },
  duration(ms) {
    let s = Math.floor((ms || 0) / 1000);
    const d = Math.floor(s / 86400); s %= 86400;
    const hh = Math.floor(s / 3600); s %= 3600;
    const m = Math.floor(s / 60);
    return d ? `${d}d ${hh}h` : hh ? `${hh}h ${m}m` : `${m}m ${s % 60}s`;
  },
  tags(t) {
    return Array.isArray(t) ? t.join(', ') : (t || '');
  },
  args(a) {
    return a && typeof a === 'object' ? Object.entries(a).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ') : '';
  },
};

/** "D AD Excl Args": the short feature flags a queue or exchange list shows. */
export function features(o) {
  return [
    o.durable ? h('abbr', { title: 'durable' }, 'D') : null,
    o.auto_delete ? h('abbr', { title: 'auto-delete' }, 'AD') : null,
    o.exclusive ? h('abbr', { title: 'exclusive' }, 'Excl') : null,
    o.internal ? h('abbr', { title: 'internal' }, 'I') : null,
    o.arguments && Object.keys(o.arguments).length ? h('abbr', { title: fmt.args(o.arguments) }, 'Args') : null,
  ];
}

/** Parses the "arguments" textarea of the declare forms: one key=value per line. */
export function parseArguments(text) {
  const args = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const eq = line.indexOf('=');
    if (eq < 1) throw new Error(`"${line}" is not key=value`);
    const key = line.slice(0, eq).trim();
    const raw = line.slice(eq + 1).trim();
    // numbers and booleans as such (x-max-length=10), everything else as a string
    args[key] = /^-?\d+$/.test(raw) ? Number(raw) : raw === 'true' ? true : raw === 'false' ? false : raw;
  }
  return args;
}
