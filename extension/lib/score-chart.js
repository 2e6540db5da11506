// Geometry of the per-frame score chart (scores over time, threshold line). Pure: the side
// panel turns it into SVG.

export const CHART_SIZE = Object.freeze({ width: 320, height: 140, padding: 24 });

function xValues(scores, timestamps) {
  const usable =
    Array.isArray(timestamps) &&
    timestamps.length === scores.length &&
    timestamps.every(Number.isFinite) &&
    timestamps.every((t, i) => i === 0 || t >= timestamps[i - 1]);
  return usable ? timestamps : scores.map((_, i) => i);
}

function scale(value, min, max, outMin, outMax) {
  if (max === min) return (outMin + outMax) / 2;
  return outMin + ((value - min) / (max - min)) * (outMax - outMin);
}

const round = (value) => Math.round(value * 10) / 10;

// Points, an SVG path and the threshold's y for `scores` (each in [0, 1]) at `timestamps`.
export function chartGeometry(scores, timestamps, threshold, size = CHART_SIZE) {
  const { width, height, padding } = size;
  const xs = xValues(scores, timestamps);
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  const yOf = (score) => round(scale(score, 0, 1, height - padding, padding));
  const points = scores.map((score, i) => ({
    x: round(scale(xs[i], xMin, xMax, padding, width - padding)),
    y: yOf(score),
    score,
    time: xs[i],
  }));
  const path = points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x},${p.y}`).join(" ");
  return { points, path, thresholdY: yOf(threshold), usesTime: xs === timestamps };
}
