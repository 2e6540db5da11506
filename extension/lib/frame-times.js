// Which instants of a video to capture when the browser must sample frames itself. Pure.

// The served model looks at 16 frames per clip (design.md), so the browser sends as many.
export const FRAME_COUNT = 16;

// Evenly spaced instants over [start, end): the midpoint of each of `count` equal slices.
// Midpoints avoid t=start (often a black intro frame) and t=end (a seek there may yield no frame).
export function frameTimes(start, end, count = FRAME_COUNT) {
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) {
    throw new RangeError(`Cannot sample frames from a range of unknown length (${start}..${end}).`);
  }
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`Frame count must be a positive integer, got ${count}.`);
  const slice = (end - start) / count;
  return Array.from({ length: count }, (_, i) => start + (i + 0.5) * slice);
}

// The time range worth sampling, from a media element's duration and seekable ranges.
// `seekable` is a list of [start, end] pairs. Live streams have an infinite duration: only
// their seekable window (if any) can be sampled.
export function samplingRange(duration, seekable = []) {
  if (Number.isFinite(duration) && duration > 0) return [0, duration];
  const last = seekable[seekable.length - 1];
  if (last && Number.isFinite(last[0]) && Number.isFinite(last[1]) && last[1] > last[0]) return [last[0], last[1]];
  return null;
}

// The rate of frames spread as frameTimes() spreads them: what the API needs to turn frame
// numbers into seconds.
export function samplingRate(start, end, count = FRAME_COUNT) {
  return count / (end - start);
}
