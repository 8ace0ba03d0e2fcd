// Time-series charts on uPlot: a small, fast canvas library made for streaming time series (tens of thousands of
// points in a few milliseconds, 50 KB), with real time axes, a live legend that reads the values under the cursor,
// and gaps where a device sent nothing.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

function cssVar(name, fallback) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/** A colour for the canvas: CSS variables (var(--name)) resolved against the current theme. */
function paint(color) {
  return color && color.startsWith('var(') ? cssVar(color.slice(4, -1), '#333') : color;
}

function canDraw() {
  try {
    return !!document.createElement('canvas').getContext('2d');
  } catch {
    return false;
  }
}

export function formatValue(v, unit) {
  if (v === null || v === undefined || Number.isNaN(v)) {
    return '—';
  }
  const rounded = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
  return unit ? `${rounded} ${unit}` : rounded;
}

/**
 * One chart. `t`: times in ms; `lines`: [{label, values, color, dash, band}] (values aligned with t, null = no
 * data); `markers`: [{t, value, label}] drawn as red dots with their own legend entry; `threshold`: a dashed
 * horizontal line with its label; `range`: fixed y range [min, max].
 */
export function TimeChart({ title, unit, t, lines, markers = [], threshold, range, height = 180, stepped = false, id }) {
  const box = useRef(null);
  const plot = useRef(null);
  const fits = typeof window !== 'undefined' && canDraw();

  useEffect(() => {
    if (!fits || !box.current) {
      return undefined;
    }
    const axis = cssVar('--muted', '#555');
    const grid = cssVar('--line', '#ccc');
    const xs = t.map((ms) => ms / 1000);
    const data = [xs, ...lines.map((l) => l.values)];
    const series = [
      { label: 'time', value: (u, v) => (v === null || v === undefined ? '—' : new Date(v * 1000).toLocaleString()) },
      ...lines.map((l) => ({
        label: l.label,
        stroke: paint(l.color),
        width: l.width ?? 1.5,
        dash: l.dash,
        fill: l.fill,
        spanGaps: false,
        points: { show: xs.length <= 30, size: 5 },
        paths: stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
        value: (u, v) => formatValue(v, unit),
      })),
    ];
    if (markers.length > 0) {
      // Markers: their own series, a value only at the bucket they fall in, drawn as points without a line.
      const values = xs.map(() => null);
      for (const m of markers) {
        let i = xs.findIndex((x, k) => x <= m.t / 1000 && (k === xs.length - 1 || xs[k + 1] > m.t / 1000));
        if (i < 0) {
          i = 0;
        }
        values[i] = m.value;
      }
      data.push(values);
      series.push({
        label: markers.label || 'anomaly (ML)',
        stroke: cssVar('--bad', '#b00020'),
        width: 0,
        points: { show: true, size: 9, fill: cssVar('--bad', '#b00020'), stroke: cssVar('--bad', '#b00020') },
        paths: () => null,
        value: (u, v) => (v === null || v === undefined ? '—' : 'anomalous'),
      });
    }
    if (threshold) {
      data.push(xs.map(() => threshold.value));
      series.push({ label: threshold.label, stroke: cssVar('--warn', '#8a5300'), dash: [6, 4], width: 1.5, points: { show: false },
        value: () => String(threshold.value) });
    }
    const opts = {
      width: Math.max(240, box.current.clientWidth || 600),
      height,
      series,
      scales: { x: { time: true }, y: range ? { range: () => range } : {} },
      axes: [
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, label: unit, labelSize: 20,
          values: (u, vals) => vals.map((v) => formatValue(v, '')) },
      ],
      legend: { live: true },
      cursor: { points: { show: true } },
    };
    plot.current?.destroy();
    plot.current = new uPlot(opts, data, box.current);
    const resize = new ResizeObserver(() => {
      if (plot.current && box.current) {
        plot.current.setSize({ width: Math.max(240, box.current.clientWidth), height });
      }
    });
    resize.observe(box.current);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [fits, t, lines, markers, threshold, range, height, unit, stepped]);

  const points = lines.reduce((n, l) => n + l.values.filter((v) => v !== null && v !== undefined).length, 0);
  return (
    <figure className="time-chart" data-chart={id || title} data-points={points} data-markers={markers.length}>
      <figcaption>
        {title}
        {unit ? <span className="muted"> ({unit})</span> : null}
      </figcaption>
      {points === 0 && <p className="muted chart-empty">No readings in this range.</p>}
      <div ref={box} className="chart-box" role="img"
        aria-label={`${title}: ${points} readings${markers.length ? `, ${markers.length} anomalies marked` : ''}`} />
    </figure>
  );
}
