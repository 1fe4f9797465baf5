// Login: checks the user name and password against /api/whoami (HTTP basic auth).

import { api, clearCredentials, setCredentials } from '../api.js';
import { h, field, fill } from '../dom.js';

export default {
  /** @param onLogin called with the /api/whoami answer once the credentials work */
  render(onLogin) {
    const username = h('input', { name: 'username', autocomplete: 'username', required: true, autofocus: true, testid: 'login-username' });
    const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', testid: 'login-password' });
    const message = h('p', { class: 'error', role: 'alert', testid: 'login-error' });
    const form = h('form', { class: 'login card', testid: 'login-form' },
      h('h1', {}, 'Warren'),
      field('Username', username),
      field('Password', password),
      h('button', { type: 'submit', testid: 'login-submit' }, 'Log in'),
      message);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      fill(message);
      setCredentials(username.value, password.value);
      try {
        const who = await api('/whoami');
        await onLogin(who);
      } catch (e) {
        clearCredentials();
        fill(message, e.status === 401 ? 'Login failed' : e.message);
      }
    });
    return form;
  },
};
