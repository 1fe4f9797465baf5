// Exchanges: the list with an "Add exchange" form; #/exchanges/{vhost}/{name} shows one
// exchange, its bindings and a publish form.

import { api, seg } from '../api.js';
import { h, field, fill, fmt, features, table, parseArguments } from '../dom.js';
import { publishForm } from '../publish.js';

const displayName = (name) => name || '(AMQP default)';

export default {
  render(ctx, [vhost, name]) {
    return vhost === undefined ? list(ctx) : detail(ctx, vhost, name ?? '');
  },
};

function list(ctx) {
  const rows = h('div');
  return {
    element: h('div', {}, h('h1', {}, 'Exchanges'), rows, addForm(ctx)),
    async refresh() {
      const path = ctx.vhost ? `/exchanges/${seg(ctx.vhost)}` : '/exchanges';
      fill(rows, table([
        { title: 'Vhost', value: (x) => x.vhost },
        { title: 'Name', value: (x) => h('a', { href: `#/exchanges/${seg(x.vhost)}/${seg(x.name)}` }, displayName(x.name)) },
        { title: 'Type', value: (x) => x.type },
        { title: 'Features', value: (x) => features(x) },
        { title: 'Rate in', value: (x) => fmt.rate(x.message_stats?.publish_in_details), num: true },
        { title: 'Rate out', value: (x) => fmt.rate(x.message_stats?.publish_out_details), num: true },
      ], await api(path), { key: (x) => `${x.vhost}/${x.name}`, testid: 'exchanges' }));
    },
  };
}

function addForm(ctx) {
  const vhost = h('select', { name: 'vhost' }, ctx.vhosts.map((v) => h('option', { value: v, selected: v === ctx.vhost }, v)));
  const name = h('input', { name: 'name', required: true });
  const type = h('select', { name: 'type' }, ['direct', 'fanout', 'topic', 'headers'].map((t) => h('option', {}, t)));
  const durable = h('select', { name: 'durable' }, h('option', { value: 'true' }, 'Durable'), h('option', { value: 'false' }, 'Transient'));
  const autoDelete = h('select', { name: 'auto_delete' }, h('option', { value: 'false' }, 'No'), h('option', { value: 'true' }, 'Yes'));
  const internal = h('select', { name: 'internal' }, h('option', { value: 'false' }, 'No'), h('option', { value: 'true' }, 'Yes'));
  const args = h('textarea', { name: 'arguments', rows: 2, placeholder: 'alternate-exchange=my-ae' });
  const form = h('form', { class: 'form-grid' },
    field('Virtual host', vhost), field('Name', name), field('Type', type), field('Durability', durable),
    field('Auto delete', autoDelete), field('Internal', internal), field('Arguments', args, 'one key=value per line'),
    h('div', {}, h('button', { type: 'submit' }, 'Add exchange')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { type: type.value, durable: durable.value === 'true', auto_delete: autoDelete.value === 'true', internal: internal.value === 'true' };
    try {
      body.arguments = parseArguments(args.value);
    } catch (e) {
      ctx.flash(`Arguments: ${e.message}`, 'error');
      return;
    }
    const done = await ctx.act(() => api(`/exchanges/${seg(vhost.value)}/${seg(name.value)}`, { method: 'PUT', body }).then(() => true),
      `Exchange ${name.value} declared.`);
    if (done) form.reset();
  });
  return h('details', { class: 'card' }, h('summary', {}, 'Add a new exchange'), form);
}

function detail(ctx, vhost, name) {
  const path = `/exchanges/${seg(vhost)}/${seg(name || 'amq.default')}`;
  const summary = h('div');
  const bindings = h('div');
  const remove = h('button', { type: 'button', class: 'danger', hidden: !name || name.startsWith('amq.') }, 'Delete exchange');
  remove.addEventListener('click', async () => {
    if (!confirm(`Delete exchange ${name}?`)) return;
    const done = await ctx.act(() => api(path, { method: 'DELETE' }).then(() => true), `Exchange ${name} deleted.`);
    if (done) ctx.navigate('#/exchanges');
  });
  return {
    element: h('div', {},
      h('h1', {}, 'Exchange ', h('code', {}, displayName(name)), h('small', {}, ` in vhost ${vhost}`)),
      summary,
      h('section', { class: 'card' }, h('h2', {}, 'Bindings from this exchange'), bindings),
      publishForm(ctx, vhost, name),
      h('p', {}, remove)),
    async refresh() {
      const [x, out] = await Promise.all([api(path), api(`${path}/bindings/source`).catch(() => [])]);
      fill(summary, h('dl', { class: 'facts' },
        h('dt', {}, 'Type'), h('dd', {}, x.type),
        h('dt', {}, 'Features'), h('dd', {}, features(x)),
        h('dt', {}, 'Arguments'), h('dd', {}, fmt.args(x.arguments))));
      fill(bindings, table([
        { title: 'To', value: (b) => `${b.destination_type} ${b.destination}` },
        { title: 'Routing key', value: (b) => b.routing_key },
        { title: 'Arguments', value: (b) => fmt.args(b.arguments) },
      ], out, { empty: 'No bindings.' }));
    },
  };
}
