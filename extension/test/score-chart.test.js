import { test } from "node:test";
import assert from "node:assert/strict";
import { chartGeometry } from "../lib/score-chart.js";

const size = { width: 120, height: 120, padding: 10 };

test("scores map to y (1 at the top), times to x across the padded width", () => {
  const geometry = chartGeometry([0, 1, 0.5], [0, 1, 2], 0.5, size);
  assert.deepEqual(
    geometry.points.map((p) => [p.x, p.y]),
    [[10, 110], [60, 10], [110, 60]],
  );
  assert.equal(geometry.thresholdY, 60);
  assert.equal(geometry.path, "M10,110 L60,10 L110,60");
  assert.equal(geometry.usesTime, true);
});

test("without usable timestamps the x axis is the frame number", () => {
  for (const timestamps of [undefined, [0, 1], [0, Number.NaN, 2], [2, 1, 0]]) {
    const geometry = chartGeometry([0.1, 0.2, 0.3], timestamps, 0.5, size);
    assert.equal(geometry.usesTime, false);
    assert.deepEqual(geometry.points.map((p) => p.time), [0, 1, 2]);
  }
});

test("a single frame sits in the middle", () => {
  const geometry = chartGeometry([0.7], [3.2], 0.5, size);
  assert.equal(geometry.points[0].x, 60);
  assert.equal(geometry.path, `M60,${geometry.points[0].y}`);
});
