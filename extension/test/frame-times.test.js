import { test } from "node:test";
import assert from "node:assert/strict";
import { frameTimes, samplingRange, samplingRate, FRAME_COUNT } from "../lib/frame-times.js";

test("16 instants by default, evenly spaced midpoints inside the range", () => {
  const times = frameTimes(0, 8);
  assert.equal(times.length, FRAME_COUNT);
  assert.equal(times[0], 0.25);
  assert.equal(times.at(-1), 7.75);
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  for (const gap of gaps) assert.ok(Math.abs(gap - 0.5) < 1e-12);
});

test("never the very start or end, where seeking yields black or no frames", () => {
  const times = frameTimes(2, 3, 4);
  assert.deepEqual(times, [2.125, 2.375, 2.625, 2.875]);
});

test("a very short video still yields the requested count, strictly increasing", () => {
  const times = frameTimes(0, 0.1, 16);
  assert.equal(times.length, 16);
  assert.ok(times.every((t, i) => i === 0 || t > times[i - 1]));
  assert.ok(times.at(-1) < 0.1);
});

test("unknown or empty ranges are refused", () => {
  assert.throws(() => frameTimes(0, Infinity), RangeError);
  assert.throws(() => frameTimes(0, Number.NaN), RangeError);
  assert.throws(() => frameTimes(5, 5), RangeError);
  assert.throws(() => frameTimes(0, 1, 0), RangeError);
});

test("the sampling range is the duration when it is known", () => {
  assert.deepEqual(samplingRange(12.5, [[0, 3]]), [0, 12.5]);
});

test("a live stream falls back to its seekable window", () => {
  assert.deepEqual(samplingRange(Infinity, [[0, 4], [10, 30]]), [10, 30]);
});

test("no duration and nothing seekable: no range", () => {
  assert.equal(samplingRange(Infinity, []), null);
  assert.equal(samplingRange(Number.NaN), null);
  assert.equal(samplingRange(0, [[3, 3]]), null);
});

test("the sampling rate is the frame count over the sampled span", () => {
  assert.equal(samplingRate(0, 8), 2);
  assert.equal(samplingRate(2, 3, 4), 4);
});
