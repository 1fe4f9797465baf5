// Boots the UI: login, the page router (#/page/args), the vhost filter and the 5-second refresh.

import { api, clearCredentials, hasCredentials, whenUnauthorized } from './api.js';
import { h, fill } from './dom.js';
import login from './pages/login.js';
import overview from './pages/overview.js';
import connections from './pages/connections.js';
import channels from './pages/channels.js';
import exchanges from './pages/exchanges.js';
import queues from './pages/queues.js';
import users from './pages/users.js';
import vhosts from './pages/vhosts.js';

const REFRESH_MILLIS = 5000;
const PAGES = { overview, connections, channels, exchanges, queues, users, vhosts };

const main = document.getElementById('main');
const flashBox = document.getElementById('flash');
const vhostSelect = document.getElementById('vhost');
let current = null; // {page, view: {refresh, dispose}}
let refreshing = false;

/** What every page gets: the vhost filter, navigation and messages to the user. */
const ctx = {
  get vhost() {
    return vhostSelect.value || null;
  },
  navigate(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  flash(message, kind = 'ok') {
    const note = h('div', { class: `flash ${kind}`, testid: `flash-${kind}` }, h('span', {}, message),
      h('button', { type: 'button', class: 'link', onclick: () => note.remove(), 'aria-label': 'dismiss' }, '×'));
    flashBox.append(note);
    if (kind === 'ok') setTimeout(() => note.remove(), 6000);
  },
  /** Runs an API call from a button or form, reporting failure as a flash message. */
  async act(action, success) {
    try {
      const result = await action();
      if (success) ctx.flash(typeof success === 'function' ? success(result) : success);
      await refresh();
      return result;
    } catch (e) {
      ctx.flash(e.message, 'error');
      return undefined;
    }
  },
  vhosts: [],
};

function showLogin() {
  document.getElementById('top').hidden = true;
  current?.view.dispose?.();
  current = null;
  fill(main, login.render(async (who) => {
    await start(who);
  }));
}

async function start(who) {
  document.getElementById('top').hidden = false;
  fill(document.getElementById('whoami'), who.name);
  fill(document.getElementById('nav'), Object.keys(PAGES).map((name) =>
    h('a', { href: `#/${name}`, 'data-page': name }, name[0].toUpperCase() + name.slice(1))));
  await loadVhosts();
  try {
    const o = await api('/overview');
    const product = o.product_name ? `${o.product_name} ${o.product_version || ''}` : `RabbitMQ ${o.rabbitmq_version}`;
    fill(document.getElementById('footer'), `${product} · node ${o.node}`);
  } catch {
    // the footer is decoration
  }
  if (!location.hash || location.hash === '#/login') location.hash = '#/overview';
  else route();
}

async function loadVhosts() {
  try {
    ctx.vhosts = (await api('/vhosts')).map((v) => v.name);
  } catch {
    ctx.vhosts = [];
  }
  const selected = vhostSelect.value;
  fill(vhostSelect, h('option', { value: '' }, 'All'),
    ctx.vhosts.map((v) => h('option', { value: v, selected: v === selected }, v)));
}

function route() {
  if (!hasCredentials()) {
    showLogin();
    return;
  }
  const [name = 'overview', ...args] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const page = PAGES[name] || overview;
  current?.view.dispose?.();
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.page === name);
  const view = page.render(ctx, args);
  current = { page, view };
  fill(main, view.element);
  refresh();
}

/** Refreshes the current page; skipped while the previous refresh is still running. */
async function refresh() {
  if (!current || refreshing) return;
  refreshing = true;
  try {
    await current.view.refresh();
  } catch (e) {
    if (e.status !== 401) ctx.flash(e.message, 'error');
  } finally {
    refreshing = false;
  }
}

// a refused login is reported by the login form itself; this is for credentials that stop
// working later (user deleted, password changed)
whenUnauthorized(() => {
  if (current) showLogin();
});
window.addEventListener('hashchange', route);
vhostSelect.addEventListener('change', () => route());
document.getElementById('logout').addEventListener('click', () => {
  clearCredentials();
  location.hash = '#/login';
  showLogin();
});
setInterval(refresh, REFRESH_MILLIS);

if (hasCredentials()) {
  api('/whoami').then(start, showLogin);
} else {
  showLogin();
}
