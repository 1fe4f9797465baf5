// Overview: object counts, queued messages and message rates charted from /api/overview every
// refresh (5 s), and the node's resources from /api/nodes.

import { api } from '../api.js';
import { h, fill, fmt, table } from '../dom.js';
import { LineChart } from '../chart.js';

const QUEUED = [
  { key: 'ready', label: 'Ready', color: '#d9a400' },
  { key: 'unacked', label: 'Unacked', color: '#2e7dd7' },
  { key: 'total', label: 'Total', color: '#888' },
];
const RATES = [
  { key: 'publish', label: 'Publish', color: '#d9534f' },
  { key: 'deliver', label: 'Deliver', color: '#2e9d4f' },
  { key: 'ack', label: 'Ack', color: '#7a4fd6' },
];

function chartCard(title, series, testid) {
  const canvas = h('canvas', { class: 'chart', testid });
  const legend = h('ul', { class: 'legend' });
  return { canvas, legend, element: h('section', { class: 'card' }, h('h2', {}, title), canvas, legend), series };
}

function showLegend(card, values, unit) {
  fill(card.legend, card.series.map((s) => h('li', {},
    h('span', { class: 'swatch', style: `background:${s.color}` }), `${s.label} `,
    h('strong', { 'data-series': s.key }, `${fmt.num(Math.round((values[s.key] || 0) * 10) / 10)}${unit}`))));
}

export default {
  render() {
    const totals = h('div', { class: 'totals', testid: 'totals' });
    const queued = chartCard('Queued messages', QUEUED, 'chart-queued');
    const rates = chartCard('Message rates', RATES, 'chart-rates');
    const nodes = h('section', { class: 'card' });
    const queuedChart = new LineChart(queued.canvas, QUEUED);
    const ratesChart = new LineChart(rates.canvas, RATES, { unit: '/s' });
    const element = h('div', {}, h('h1', {}, 'Overview'), totals,
      h('div', { class: 'charts' }, queued.element, rates.element), nodes);

    return {
      element,
      async refresh() {
        const [o, nodeList] = await Promise.all([api('/overview'), api('/nodes').catch(() => [])]);
        const q = o.queue_totals || {};
        const m = o.message_stats || {};
        const counts = o.object_totals || {};
        fill(totals, ['connections', 'channels', 'exchanges', 'queues', 'consumers'].map((k) =>
          h('div', { class: 'total', 'data-total': k }, h('strong', {}, fmt.num(counts[k] || 0)), h('span', {}, k))));

        const queuedNow = { ready: q.messages_ready || 0, unacked: q.messages_unacknowledged || 0, total: q.messages || 0 };
        const rateOf = (d) => (d && d.rate) || 0;
        const ratesNow = {
          publish: rateOf(m.publish_details),
          deliver: rateOf(m.deliver_get_details),
          ack: rateOf(m.ack_details),
        };
        queuedChart.push(queuedNow);
        ratesChart.push(ratesNow);
        showLegend(queued, queuedNow, '');
        showLegend(rates, ratesNow, '/s');

        fill(nodes, h('h2', {}, 'Nodes'), table([
          { title: 'Name', value: (n) => n.name },
          { title: 'Uptime', value: (n) => fmt.duration(n.uptime) },
          { title: 'Memory used', value: (n) => fmt.bytes(n.mem_used), num: true },
          { title: 'Memory limit', value: (n) => fmt.bytes(n.mem_limit), num: true },
          { title: 'Disk free', value: (n) => fmt.bytes(n.disk_free), num: true },
          { title: 'File descriptors', value: (n) => n.fd_used === undefined ? '' : `${n.fd_used} / ${n.fd_total}`, num: true },
        ], nodeList, { key: (n) => n.name }));
      },
    };
  },
};
