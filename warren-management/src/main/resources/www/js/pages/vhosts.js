// Virtual hosts: messages and rates per vhost, a form to add one, a delete button per vhost.

import { api, seg } from '../api.js';
import { h, field, fill, fmt, table } from '../dom.js';

export default {
  render(ctx) {
    const rows = h('div');
    const name = h('input', { name: 'name', required: true, testid: 'add-vhost-name' });
    const description = h('input', { name: 'description' });
    const form = h('form', { class: 'form-grid' }, field('Name', name), field('Description', description),
      h('div', {}, h('button', { type: 'submit', testid: 'add-vhost-submit' }, 'Add virtual host')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = description.value ? { description: description.value } : {};
      const done = await ctx.act(() => api(`/vhosts/${seg(name.value)}`, { method: 'PUT', body }).then(() => true),
        `Virtual host ${name.value} added.`);
      if (done) form.reset();
    });
    const remove = (v) => {
      if (confirm(`Delete virtual host ${v.name} and everything in it?`)) {
        ctx.act(() => api(`/vhosts/${seg(v.name)}`, { method: 'DELETE' }), `Virtual host ${v.name} deleted.`);
      }
    };
    return {
      element: h('div', {}, h('h1', {}, 'Virtual hosts'), rows,
        h('details', { class: 'card' }, h('summary', {}, 'Add a new virtual host'), form)),
      async refresh() {
        fill(rows, table([
          { title: 'Name', value: (v) => v.name },
          { title: 'Description', value: (v) => v.description || '' },
          { title: 'Ready', value: (v) => fmt.num(v.messages_ready ?? 0), num: true },
          { title: 'Unacked', value: (v) => fmt.num(v.messages_unacknowledged ?? 0), num: true },
          { title: 'Total', value: (v) => fmt.num(v.messages ?? 0), num: true },
          { title: 'Publish', value: (v) => fmt.rate(v.message_stats?.publish_details), num: true },
          { title: 'Deliver / get', value: (v) => fmt.rate(v.message_stats?.deliver_get_details), num: true },
          { title: '', value: (v) => h('button', { type: 'button', class: 'small danger', onclick: () => remove(v) }, 'Delete') },
        ], await api('/vhosts'), { key: (v) => v.name, testid: 'vhosts' }));
      },
    };
  },
};
