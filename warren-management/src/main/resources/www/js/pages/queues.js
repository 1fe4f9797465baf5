// Queues: the list with an "Add queue" form; #/queues/{vhost}/{name} shows one queue with its
// consumers and bindings, and forms to publish, get messages, purge and delete.

import { api, seg } from '../api.js';
import { h, field, fill, fmt, features, table, parseArguments } from '../dom.js';
import { publishForm } from '../publish.js';

export default {
  render(ctx, [vhost, name]) {
    return vhost === undefined || name === undefined ? list(ctx) : detail(ctx, vhost, name);
  },
};

function list(ctx) {
  const rows = h('div');
  return {
    element: h('div', {}, h('h1', {}, 'Queues'), rows, addForm(ctx)),
    async refresh() {
      const path = ctx.vhost ? `/queues/${seg(ctx.vhost)}` : '/queues';
      fill(rows, table([
        { title: 'Vhost', value: (q) => q.vhost },
        { title: 'Name', value: (q) => h('a', { href: `#/queues/${seg(q.vhost)}/${seg(q.name)}` }, q.name) },
        { title: 'Type', value: (q) => q.type || 'classic' },
        { title: 'Features', value: (q) => features(q) },
        { title: 'State', value: (q) => q.state || '' },
        { title: 'Ready', id: 'messages_ready', value: (q) => fmt.num(q.messages_ready), num: true },
        { title: 'Unacked', id: 'messages_unacknowledged', value: (q) => fmt.num(q.messages_unacknowledged), num: true },
        { title: 'Total', id: 'messages', value: (q) => fmt.num(q.messages), num: true },
        { title: 'Incoming', value: (q) => fmt.rate(q.message_stats?.publish_details), num: true },
        { title: 'Deliver / get', value: (q) => fmt.rate(q.message_stats?.deliver_get_details), num: true },
      ], await api(path), { key: (q) => `${q.vhost}/${q.name}`, empty: 'No queues.', testid: 'queues' }));
    },
  };
}

function addForm(ctx) {
  const vhost = h('select', { name: 'vhost', testid: 'add-queue-vhost' },
    ctx.vhosts.map((v) => h('option', { value: v, selected: v === ctx.vhost }, v)));
  const name = h('input', { name: 'name', required: true, testid: 'add-queue-name' });
  const durable = h('select', { name: 'durable' }, h('option', { value: 'true' }, 'Durable'), h('option', { value: 'false' }, 'Transient'));
  const autoDelete = h('select', { name: 'auto_delete' }, h('option', { value: 'false' }, 'No'), h('option', { value: 'true' }, 'Yes'));
  const args = h('textarea', { name: 'arguments', rows: 2, placeholder: 'x-max-length=1000\nx-message-ttl=60000' });
  const form = h('form', { class: 'form-grid', testid: 'add-queue-form' },
    field('Virtual host', vhost), field('Name', name), field('Durability', durable),
    field('Auto delete', autoDelete), field('Arguments', args, 'one key=value per line'),
    h('div', {}, h('button', { type: 'submit', testid: 'add-queue-submit' }, 'Add queue')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { durable: durable.value === 'true', auto_delete: autoDelete.value === 'true' };
    try {
      body.arguments = parseArguments(args.value);
    } catch (e) {
      ctx.flash(`Arguments: ${e.message}`, 'error');
      return;
    }
    const done = await ctx.act(() => api(`/queues/${seg(vhost.value)}/${seg(name.value)}`, { method: 'PUT', body }).then(() => true),
      `Queue ${name.value} declared.`);
    if (done) form.reset();
  });
  return h('details', { class: 'card' }, h('summary', {}, 'Add a new queue'), form);
}

function detail(ctx, vhost, name) {
  const path = `/queues/${seg(vhost)}/${seg(name)}`;
  const summary = h('div', { testid: 'queue-summary' });
  const consumers = h('div');
  const bindings = h('div');
  const purge = h('button', { type: 'button', testid: 'queue-purge' }, 'Purge messages');
  purge.addEventListener('click', () => {
    if (confirm(`Purge all messages from ${name}?`)) {
      ctx.act(() => api(`${path}/contents`, { method: 'DELETE' }), `Queue ${name} purged.`);
    }
  });
  const remove = h('button', { type: 'button', class: 'danger', testid: 'queue-delete' }, 'Delete queue');
  remove.addEventListener('click', async () => {
    if (!confirm(`Delete queue ${name}?`)) return;
    const done = await ctx.act(() => api(path, { method: 'DELETE' }).then(() => true), `Queue ${name} deleted.`);
    if (done) ctx.navigate('#/queues');
  });

  return {
    element: h('div', {},
      h('h1', {}, 'Queue ', h('code', {}, name), h('small', {}, ` in vhost ${vhost}`)),
      summary,
      h('section', { class: 'card' }, h('h2', {}, 'Consumers'), consumers),
      h('section', { class: 'card' }, h('h2', {}, 'Bindings'), bindings),
      publishForm(ctx, vhost, '', name),
      getForm(ctx, path),
      h('section', { class: 'card actions' }, purge, remove)),
    async refresh() {
      const [q, bound] = await Promise.all([api(path), api(`${path}/bindings`).catch(() => [])]);
      fill(summary, h('dl', { class: 'facts' },
        h('dt', {}, 'Ready'), h('dd', { 'data-count': 'messages_ready' }, fmt.num(q.messages_ready ?? 0)),
        h('dt', {}, 'Unacked'), h('dd', { 'data-count': 'messages_unacknowledged' }, fmt.num(q.messages_unacknowledged ?? 0)),
        h('dt', {}, 'Total'), h('dd', { 'data-count': 'messages' }, fmt.num(q.messages ?? 0)),
        h('dt', {}, 'Consumers'), h('dd', { 'data-count': 'consumers' }, fmt.num(q.consumers ?? 0)),
        h('dt', {}, 'Features'), h('dd', {}, features(q)),
        h('dt', {}, 'State'), h('dd', {}, q.state || '')));
      fill(consumers, table([
        { title: 'Channel', value: (c) => c.channel_details?.name || '' },
        { title: 'Consumer tag', value: (c) => c.consumer_tag },
        { title: 'Ack required', value: (c) => (c.ack_required ? 'yes' : 'no') },
        { title: 'Exclusive', value: (c) => (c.exclusive ? 'yes' : 'no') },
        { title: 'Prefetch', value: (c) => fmt.num(c.prefetch_count), num: true },
      ], q.consumer_details || [], { empty: 'No consumers.' }));
      fill(bindings, table([
        { title: 'From', value: (b) => b.source || '(AMQP default)' },
        { title: 'Routing key', value: (b) => b.routing_key },
        { title: 'Arguments', value: (b) => fmt.args(b.arguments) },
      ], bound, { empty: 'No bindings.' }));
    },
  };
}

/** "Get messages": POST /api/queues/{vhost}/{name}/get, results listed under the form. */
function getForm(ctx, path) {
  const ackmode = h('select', { name: 'ackmode', testid: 'get-ackmode' },
    h('option', { value: 'ack_requeue_true' }, 'Nack message requeue true'),
    h('option', { value: 'ack_requeue_false' }, 'Automatic ack'),
    h('option', { value: 'reject_requeue_true' }, 'Reject requeue true'),
    h('option', { value: 'reject_requeue_false' }, 'Reject requeue false'));
  const count = h('input', { name: 'count', type: 'number', min: '1', value: '1', testid: 'get-count' });
  const results = h('div', { testid: 'get-results' });
  const form = h('form', { class: 'form-grid', testid: 'get-form' },
    field('Ack mode', ackmode), field('Messages', count),
    h('div', {}, h('button', { type: 'submit', testid: 'get-submit' }, 'Get messages')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { count: Number(count.value), ackmode: ackmode.value, encoding: 'auto', truncate: 50000 };
    const messages = await ctx.act(() => api(`${path}/get`, { method: 'POST', body }));
    if (messages === undefined) return;
    fill(results, messages.length === 0 ? h('p', { class: 'empty' }, 'Queue is empty.')
      : messages.map((m, i) => h('article', { class: 'message', testid: 'message' },
        h('h3', {}, `Message ${i + 1}`),
        h('dl', { class: 'facts' },
          h('dt', {}, 'Exchange'), h('dd', {}, m.exchange || '(AMQP default)'),
          h('dt', {}, 'Routing key'), h('dd', {}, m.routing_key),
          h('dt', {}, 'Redelivered'), h('dd', {}, m.redelivered ? 'yes' : 'no'),
          h('dt', {}, 'Properties'), h('dd', {}, fmt.args(Array.isArray(m.properties) ? {} : m.properties)),
          h('dt', {}, `Payload (${m.payload_bytes} bytes, ${m.payload_encoding})`),
          h('dd', {}, h('pre', { testid: 'message-payload' }, m.payload))))));
  });
  return h('section', { class: 'card' }, h('h2', {}, 'Get messages'), form, results);
}
