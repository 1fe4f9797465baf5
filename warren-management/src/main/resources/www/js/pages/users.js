// Users: the list with each user's tags and vhost access, forms to add a user and to set
// permissions, and a delete button per user.

import { api, seg } from '../api.js';
import { h, field, fill, fmt, table } from '../dom.js';

export default {
  render(ctx) {
    const rows = h('div');
    const permissions = h('div');
    const remove = (u) => {
      if (confirm(`Delete user ${u.name}?`)) ctx.act(() => api(`/users/${seg(u.name)}`, { method: 'DELETE' }), `User ${u.name} deleted.`);
    };
    const clear = (p) => ctx.act(() => api(`/permissions/${seg(p.vhost)}/${seg(p.user)}`, { method: 'DELETE' }),
      `Permissions of ${p.user} in ${p.vhost} cleared.`);
    return {
      element: h('div', {}, h('h1', {}, 'Users'), rows, addUserForm(ctx),
        h('section', { class: 'card' }, h('h2', {}, 'Permissions'), permissions, permissionForm(ctx))),
      async refresh() {
        const [users, perms] = await Promise.all([api('/users'), api('/permissions')]);
        fill(rows, table([
          { title: 'Name', value: (u) => u.name },
          { title: 'Tags', value: (u) => fmt.tags(u.tags) },
          { title: 'Can access vhosts', value: (u) => perms.filter((p) => p.user === u.name).map((p) => p.vhost).join(', ') || 'No access' },
          { title: 'Has password', value: (u) => (u.password_hash ? 'yes' : 'no') },
          { title: '', value: (u) => h('button', { type: 'button', class: 'small danger', onclick: () => remove(u) }, 'Delete') },
        ], users, { key: (u) => u.name, testid: 'users' }));
        fill(permissions, table([
          { title: 'User', value: (p) => p.user },
          { title: 'Vhost', value: (p) => p.vhost },
          { title: 'Configure', value: (p) => h('code', {}, p.configure) },
          { title: 'Write', value: (p) => h('code', {}, p.write) },
          { title: 'Read', value: (p) => h('code', {}, p.read) },
          { title: '', value: (p) => h('button', { type: 'button', class: 'small', onclick: () => clear(p) }, 'Clear') },
        ], perms.filter((p) => !ctx.vhost || p.vhost === ctx.vhost), { key: (p) => `${p.vhost}/${p.user}`, empty: 'No permissions.' }));
      },
    };
  },
};

function addUserForm(ctx) {
  const name = h('input', { name: 'username', required: true, testid: 'add-user-name' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', testid: 'add-user-password' });
  const tags = h('input', { name: 'tags', placeholder: 'administrator, monitoring, management', testid: 'add-user-tags' });
  const form = h('form', { class: 'form-grid' },
    field('Username', name), field('Password', password), field('Tags', tags, 'comma-separated'),
    h('div', {}, h('button', { type: 'submit', testid: 'add-user-submit' }, 'Add user')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { password: password.value, tags: tags.value.split(',').map((t) => t.trim()).filter(Boolean).join(',') };
    const done = await ctx.act(() => api(`/users/${seg(name.value)}`, { method: 'PUT', body }).then(() => true),
      `User ${name.value} saved.`);
    if (done) form.reset();
  });
  return h('details', { class: 'card' }, h('summary', {}, 'Add a user'), form);
}

function permissionForm(ctx) {
  const user = h('input', { name: 'user', required: true });
  const vhost = h('select', { name: 'vhost' }, ctx.vhosts.map((v) => h('option', { value: v, selected: v === ctx.vhost }, v)));
  const configure = h('input', { name: 'configure', value: '.*' });
  const write = h('input', { name: 'write', value: '.*' });
  const read = h('input', { name: 'read', value: '.*' });
  const form = h('form', { class: 'form-grid' },
    field('User', user), field('Virtual host', vhost), field('Configure regexp', configure),
    field('Write regexp', write), field('Read regexp', read),
    h('div', {}, h('button', { type: 'submit' }, 'Set permission')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = { configure: configure.value, write: write.value, read: read.value };
    ctx.act(() => api(`/permissions/${seg(vhost.value)}/${seg(user.value)}`, { method: 'PUT', body }),
      `Permissions of ${user.value} in ${vhost.value} set.`);
  });
  return h('details', {}, h('summary', {}, 'Set permissions'), form);
}
