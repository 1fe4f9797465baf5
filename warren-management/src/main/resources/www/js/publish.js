// The "Publish message" form shared by the exchange and queue pages: POST
// /api/exchanges/{vhost}/{exchange}/publish. A queue publishes through the default exchange
// ("amq.default" in API paths) with its own name as routing key.

import { api, seg } from './api.js';
import { h, field, parseArguments } from './dom.js';

/**
 * @param exchange   the exchange name ('' for the default exchange)
 * @param routingKey a fixed routing key (queue pages), or undefined to ask for one
 */
export function publishForm(ctx, vhost, exchange, routingKey) {
  const key = h('input', { name: 'routing_key', value: routingKey ?? '', readOnly: routingKey !== undefined, testid: 'publish-routing-key' });
  const mode = h('select', { name: 'delivery_mode', testid: 'publish-delivery-mode' },
    h('option', { value: '1' }, '1 - Non-persistent'),
    h('option', { value: '2' }, '2 - Persistent'));
  const headers = h('textarea', { name: 'headers', rows: 2, placeholder: 'one header=value per line' });
  const contentType = h('input', { name: 'content_type', placeholder: 'e.g. text/plain' });
  const payload = h('textarea', { name: 'payload', rows: 4, testid: 'publish-payload' });
  const form = h('form', { class: 'form-grid', testid: 'publish-form' },
    field('Routing key', key),
    field('Delivery mode', mode),
    field('Headers', headers),
    field('Content type', contentType),
    Object.assign(field('Payload', payload), { className: 'field wide' }),
    h('div', {}, h('button', { type: 'submit', testid: 'publish-submit' }, 'Publish message')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let properties;
    try {
      properties = { delivery_mode: Number(mode.value) };
      const parsed = parseArguments(headers.value);
      if (Object.keys(parsed).length) properties.headers = parsed;
    } catch (e) {
      ctx.flash(`Headers: ${e.message}`, 'error');
      return;
    }
    if (contentType.value) properties.content_type = contentType.value;
    const path = `/exchanges/${seg(vhost)}/${seg(exchange || 'amq.default')}/publish`;
    const body = { properties, routing_key: key.value, payload: payload.value, payload_encoding: 'string' };
    await ctx.act(() => api(path, { method: 'POST', body }),
      (result) => (result && result.routed === false ? 'Message published, but not routed.' : 'Message published.'));
  });
  return h('section', { class: 'card' }, h('h2', {}, 'Publish message'), form);
}
