// A line chart in SVG: one line per series over a fixed time window ending now.

import { el, svg, number } from './dom.js';

const WIDTH = 900;
const HEIGHT = 220;
const PAD = { left: 56, right: 12, top: 10, bottom: 24 };
const COLOURS = ['#2f6fd6', '#d6452f', '#2e9d5b', '#8e44ad', '#d68a1f', '#16a2b8'];

/**
 * series: [{name, points: [[epochMs, value], ...]}]; the x axis spans windowSeconds up to endMs.
 * Returns the chart and its legend.
 */
export function lineChart(series, windowSeconds, endMs, testid) {
  const startMs = endMs - windowSeconds * 1000;
  const max = Math.max(1, ...series.flatMap((one) => one.points.map((point) => point[1])));
  const x = (ms) => PAD.left + ((ms - startMs) / (endMs - startMs)) * (WIDTH - PAD.left - PAD.right);
  const y = (value) => HEIGHT - PAD.bottom - (value / max) * (HEIGHT - PAD.top - PAD.bottom);
  const chart = svg('svg', {
    class: 'chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, role: 'img',
    'aria-label': 'consumer lag over the last minutes', 'data-testid': testid,
  });
  for (const fraction of [0, 0.5, 1]) {
    chart.append(
      svg('line', { class: 'axis', x1: PAD.left, x2: WIDTH - PAD.right, y1: y(max * fraction), y2: y(max * fraction) }),
      svg('text', { x: PAD.left - 6, y: y(max * fraction) + 4, 'text-anchor': 'end' }, number(max * fraction)));
  }
  const minutes = Math.round(windowSeconds / 60);
  for (const minute of [minutes, Math.round(minutes * 2 / 3), Math.round(minutes / 3), 0]) {
    chart.append(svg('text', { x: x(endMs - minute * 60000), y: HEIGHT - 6, 'text-anchor': 'middle' },
      minute === 0 ? 'now' : `−${minute} min`));
  }
  series.forEach((one, index) => {
    const points = one.points.filter((point) => point[0] >= startMs);
    if (points.length === 0) {
      return;
    }
    chart.append(svg('polyline', {
      fill: 'none', stroke: COLOURS[index % COLOURS.length], 'stroke-width': 1.8,
      points: points.map((point) => `${x(point[0]).toFixed(1)},${y(point[1]).toFixed(1)}`).join(' '),
      'data-series': one.name,
    }));
  });
  const legend = el('div', { class: 'legend' }, series.map((one, index) => el('span', {},
    el('span', { class: `swatch swatch-${index % COLOURS.length}` }), one.name)));
  return [chart, legend];
}
