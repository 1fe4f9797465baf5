// A line chart drawn on a <canvas>: a fixed window of samples per series, redrawn whole on
// each new sample (a few hundred points at most, so there is nothing to optimise).

const GRID_LINES = 4;

export class LineChart {
  /**
   * @param canvas  the <canvas> to draw on (its CSS size is used)
   * @param series  [{key, label, color}]
   * @param options {capacity: samples kept, unit: shown after the axis values}
   */
  constructor(canvas, series, { capacity = 60, unit = '' } = {}) {
    this.canvas = canvas;
    this.series = series;
    this.capacity = capacity;
    this.unit = unit;
    this.samples = []; // [{time, values: {key: number}}]
  }

  push(values, time = Date.now()) {
    this.samples.push({ time, values });
    if (this.samples.length > this.capacity) this.samples.shift();
    this.draw();
  }

  draw() {
    const canvas = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 400;
    const height = canvas.clientHeight || 160;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);

    const left = 48;
    const right = width - 8;
    const top = 8;
    const bottom = height - 18;
    const max = niceCeiling(Math.max(0, ...this.samples.flatMap((s) => this.series.map((x) => s.values[x.key] || 0))));

    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#666';
    g.strokeStyle = '#e3e3e3';
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let i = 0; i <= GRID_LINES; i++) {
      const y = bottom - ((bottom - top) * i) / GRID_LINES;
      g.beginPath();
      g.moveTo(left, Math.round(y) + 0.5);
      g.lineTo(right, Math.round(y) + 0.5);
      g.stroke();
      g.fillText(label((max * i) / GRID_LINES) + this.unit, left - 6, y);
    }
    g.textAlign = 'left';
    g.textBaseline = 'alphabetic';
    const seconds = this.samples.length > 1
      ? Math.round((this.samples[this.samples.length - 1].time - this.samples[0].time) / 1000) : 0;
    g.fillText(seconds ? `last ${seconds} s` : 'waiting for samples…', left, height - 4);

    // x: sample index across the whole window, so the line grows from the left at first
    const step = (right - left) / Math.max(1, this.capacity - 1);
    for (const s of this.series) {
      g.strokeStyle = s.color;
      g.lineWidth = 2;
      g.beginPath();
      this.samples.forEach((sample, i) => {
        const x = left + i * step;
        const y = bottom - ((sample.values[s.key] || 0) / max) * (bottom - top);
        if (i === 0) g.moveTo(x, y);
        else g.lineTo(x, y);
      });
      g.stroke();
    }
    canvas.dataset.samples = String(this.samples.length);
  }
}

/** The axis top: four round steps (1, 2, 2.5 or 5 × 10^n each), so every grid line is round. */
function niceCeiling(v) {
  const rawStep = Math.max(v, 1) / GRID_LINES;
  const magnitude = 10 ** Math.floor(Math.log10(rawStep));
  const m = [1, 2, 2.5, 5, 10].find((x) => rawStep <= x * magnitude);
  return m * magnitude * GRID_LINES;
}

function label(v) {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(2)}`;
}
