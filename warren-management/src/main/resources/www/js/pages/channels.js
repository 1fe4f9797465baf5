// Channels: one row per open channel, with its mode, prefetch and unacknowledged messages.

import { api } from '../api.js';
import { h, fill, fmt, table } from '../dom.js';

export default {
  render(ctx) {
    const list = h('div');
    return {
      element: h('div', {}, h('h1', {}, 'Channels'), list),
      async refresh() {
        const rows = (await api('/channels')).filter((c) => !ctx.vhost || c.vhost === ctx.vhost);
        fill(list, table([
          { title: 'Channel', value: (c) => c.name },
          { title: 'User', value: (c) => c.user },
          { title: 'Vhost', value: (c) => c.vhost },
          { title: 'Mode', value: (c) => [c.confirm ? 'C' : '', c.transactional ? 'T' : ''].join(' ').trim() },
          { title: 'State', value: (c) => c.state },
          { title: 'Consumers', value: (c) => fmt.num(c.consumer_count), num: true },
          { title: 'Prefetch', value: (c) => fmt.num(c.prefetch_count), num: true },
          { title: 'Unacked', value: (c) => fmt.num(c.messages_unacknowledged), num: true },
          { title: 'Unconfirmed', value: (c) => fmt.num(c.messages_unconfirmed), num: true },
          { title: 'Publish', value: (c) => fmt.rate(c.message_stats?.publish_details), num: true },
          { title: 'Deliver', value: (c) => fmt.rate(c.message_stats?.deliver_get_details), num: true },
        ], rows, { key: (c) => c.name, empty: 'No channels.', testid: 'channels' }));
      },
    };
  },
};
