import { test } from "node:test";
import assert from "node:assert/strict";
import { extractOverlays, extractSaliency, pngSource } from "../lib/explanation.js";

const frames = { indices: [0, 10], timestamps_s: [0.0, 0.33], scores: [0.2, 0.8] };

test("a list of base64 PNGs becomes image sources with the frames' times and scores", () => {
  const overlays = extractOverlays({ frames, overlays: ["AAAA", "BBBB"] });
  assert.deepEqual(overlays, [
    { index: 0, timestamp_s: 0.0, score: 0.2, src: "data:image/png;base64,AAAA" },
    { index: 10, timestamp_s: 0.33, score: 0.8, src: "data:image/png;base64,BBBB" },
  ]);
});

test("objects holding an overlay, nested under explanation, are read too", () => {
  const body = { frames, explanation: { frames: [{ index: 3, timestamp_s: 1.5, overlay_png: "CCCC", heatmap_png: "DDDD" }] } };
  const [overlay] = extractOverlays(body);
  assert.equal(overlay.src, "data:image/png;base64,CCCC");
  assert.equal(overlay.index, 3);
  assert.equal(overlay.timestamp_s, 1.5);
});

test("data: image URLs pass as they are; other data: URLs never become images", () => {
  assert.equal(pngSource("data:image/png;base64,AAAA"), "data:image/png;base64,AAAA");
  assert.equal(pngSource("data:text/html,<script>"), null);
  assert.equal(pngSource(""), null);
  assert.deepEqual(extractOverlays({ heatmaps: ["data:text/html,x", 5, null] }), []);
});

test("an answer without heatmaps yields none", () => {
  assert.deepEqual(extractOverlays({ label: "fake" }), []);
  assert.deepEqual(extractOverlays(null), []);
});

test("a saliency curve is read when it is a list of numbers", () => {
  assert.deepEqual(extractSaliency({ explanation: { saliency: [0.1, 0.9] } }), [0.1, 0.9]);
  assert.deepEqual(extractSaliency({ temporal_saliency: [1, 2] }), [1, 2]);
  assert.equal(extractSaliency({ saliency: ["x"] }), null);
  assert.equal(extractSaliency({}), null);
});
