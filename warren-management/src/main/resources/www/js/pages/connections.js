// Connections: one row per AMQP connection; "Close" sends the client a connection.close with
// the reason typed in.

import { api, seg } from '../api.js';
import { h, fill, fmt, table } from '../dom.js';

export default {
  render(ctx) {
    const list = h('div');
    const close = (c) => {
      const reason = prompt(`Close connection ${c.name}?\nReason sent to the client:`, 'Closed via management UI');
      if (reason === null) return;
      ctx.act(() => api(`/connections/${seg(c.name)}`, { method: 'DELETE', headers: { 'X-Reason': reason } }),
        `Closed ${c.name}.`);
    };
    return {
      element: h('div', {}, h('h1', {}, 'Connections'), list),
      async refresh() {
        const rows = (await api('/connections')).filter((c) => !ctx.vhost || c.vhost === ctx.vhost);
        fill(list, table([
          { title: 'Name', value: (c) => c.name },
          { title: 'User', value: (c) => c.user },
          { title: 'Vhost', value: (c) => c.vhost },
          { title: 'State', value: (c) => c.state },
          { title: 'Client', value: (c) => clientName(c.client_properties) },
          { title: 'Protocol', value: (c) => c.protocol },
          { title: 'Channels', value: (c) => fmt.num(c.channels), num: true },
          { title: 'From client', value: (c) => fmt.rate(c.recv_oct_details).replace('/s', ' B/s'), num: true },
          { title: 'To client', value: (c) => fmt.rate(c.send_oct_details).replace('/s', ' B/s'), num: true },
          { title: '', value: (c) => h('button', { type: 'button', class: 'small danger', onclick: () => close(c) }, 'Close') },
        ], rows, { key: (c) => c.name, empty: 'No connections.', testid: 'connections' }));
      },
    };
  },
};

function clientName(props) {
  if (!props || typeof props !== 'object') return '';
  return [props.product, props.version].filter(Boolean).join(' ');
}
