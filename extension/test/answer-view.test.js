// How answers read, on example answers of the contract (PLAN.md): older ones (label,
// probability, threshold only) and ones with verdict, model.demo, provenance, segments, faces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import {
  Verdict,
  verdictOf,
  verdictOrLabel,
  verdictText,
  verdictSentence,
  demoNotice,
  operatingPointText,
  credentialsView,
  CredentialsKind,
  timelineOf,
  faceTracksOf,
  boxesAt,
} from "../lib/answer-view.js";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const older = { label: "fake", probability: 0.93, confidence: 0.93, threshold: 0.5, model: { name: "deepfake", version: "1.0" } };
const demoUnfamiliar = {
  label: "fake",
  verdict: "out_of_distribution",
  probability: 0.97,
  probability_raw: 0.999,
  confidence: 0.97,
  threshold: 0.62,
  in_distribution: { available: true, score: 41.2, threshold: 18.5, ok: false },
  model: { name: "deepfake", version: "2.0", trained_on: "synthetic demo data", demo: true },
  video: { width: 640, height: 360, fps: 25, duration_s: 10 },
};

test("the copy the upload page loads is this very file", () => {
  const here = readFileSync(path.join(root, "lib", "answer-view.js"), "utf8");
  const served = readFileSync(path.join(root, "..", "proxy", "static", "answer-view.js"), "utf8");
  assert.equal(served, here, "copy extension/lib/answer-view.js to proxy/static/answer-view.js");
});

test("an older answer reads as before: banded verdict in the extension, label on the upload page", () => {
  assert.equal(verdictOf(older), Verdict.FAKE);
  assert.equal(verdictOf({ ...older, probability: 0.55 }), Verdict.UNCERTAIN);
  assert.equal(verdictOrLabel({ ...older, probability: 0.55 }), "fake");
  assert.equal(demoNotice(older), null);
  assert.equal(credentialsView(older.provenance), null);
  assert.deepEqual(timelineOf(older), []);
  assert.deepEqual(faceTracksOf(older), []);
});

test("the answer's verdict wins over its label, and unfamiliar is never called fake", () => {
  assert.equal(verdictOf(demoUnfamiliar), Verdict.OUT_OF_DISTRIBUTION);
  assert.equal(verdictOrLabel(demoUnfamiliar), Verdict.OUT_OF_DISTRIBUTION);
  assert.equal(verdictText(Verdict.OUT_OF_DISTRIBUTION, 0.97), "Unfamiliar video");
  assert.match(verdictSentence(Verdict.OUT_OF_DISTRIBUTION), /^Unfamiliar video: this model was not trained on videos like this/);
  assert.equal(verdictOf({ ...older, verdict: "uncertain" }), Verdict.UNCERTAIN);
  assert.equal(verdictOf({ ...older, verdict: "nonsense" }), Verdict.FAKE);
  assert.equal(verdictText(Verdict.REAL, 0.12), "Real 88%");
});

test("a demo model carries its notice", () => {
  assert.equal(demoNotice(demoUnfamiliar), "Demo model, trained on synthetic clips (synthetic demo data): its verdicts are no evidence.");
  assert.equal(demoNotice({ model: { demo: true } }), "Demo model, trained on synthetic clips: its verdicts are no evidence.");
  assert.equal(demoNotice({ model: { demo: false, trained_on: "FaceForensics++" } }), null);
});

test("the operating point reads as how often genuine videos are flagged", () => {
  const point = { threshold: 0.62, uncertain_band: [0.4, 0.75], target_fpr: 0.05, heldout: { tpr: 0.8, fpr: 0.05, precision: 0.9, coverage: 0.93 } };
  assert.equal(operatingPointText(point), "At its threshold the model flags about 1 in 20 genuine videos.");
  assert.equal(operatingPointText({ ...point, heldout: { fpr: 0.012 }, chosen_on: "held-out genuine content" }),
    "At its threshold the model flags about 1 in 83 genuine videos (measured on held-out genuine content).");
  assert.equal(operatingPointText({ target_fpr: 0.1 }), "At its threshold the model is meant to flag about 1 in 10 genuine videos (its target, not a measurement).");
  assert.equal(operatingPointText({ available: false, threshold: 0.5, uncertain_band: [0.4, 0.6] }), null);
  assert.equal(operatingPointText({ heldout: { fpr: 0 } }), "At its threshold the model flagged none of its held-out genuine videos.");
  assert.equal(operatingPointText({ heldout: { fpr: 0.7 } }), "At its threshold the model flags about 70% of genuine videos.");
  assert.equal(operatingPointText(null), null);
  assert.equal(operatingPointText({ heldout: { fpr: "5%" } }), null);
});

test("Content Credentials: declared AI generation, present without it, absent, unreadable", () => {
  const ai = credentialsView({ present: true, signature_valid: true, signer: "Test CA leaf", claim_generator: "VideoGen/2.1", created: "2026-01-01", ai_generated: true, actions: ["c2pa.created"] });
  assert.equal(ai.kind, CredentialsKind.AI_GENERATED);
  assert.equal(ai.text, "Content Credentials: declares AI-generated (by VideoGen/2.1). Signed by Test CA leaf.");
  const tampered = credentialsView({ present: true, signature_valid: false, claim_generator: "VideoGen/2.1", ai_generated: true });
  assert.match(tampered.text, /declares AI-generated \(by VideoGen\/2\.1\)\. Their signature is not valid/);
  const camera = credentialsView({ present: true, signature_valid: true, claim_generator: "Camera", ai_generated: false });
  assert.equal(camera.kind, CredentialsKind.PRESENT);
  assert.equal(camera.text, "Content Credentials: no AI generation declared (by Camera).");
  assert.deepEqual(credentialsView({ present: false, signature_valid: null }), { kind: CredentialsKind.ABSENT, text: "No Content Credentials" });
  const frames = credentialsView({ present: false }, { fromFrames: true });
  assert.equal(frames.kind, CredentialsKind.UNCHECKED);
  assert.equal(frames.text, "Content Credentials not checked: frames captured in the page carry none");
  const broken = credentialsView({ present: false, error: "manifest is not valid JUMBF" });
  assert.equal(broken.kind, CredentialsKind.ERROR);
  assert.equal(broken.text, "Content Credentials could not be read: manifest is not valid JUMBF");
});

test("segments become a timeline over the video's duration", () => {
  const answer = {
    ...demoUnfamiliar,
    verdict: "fake",
    coverage: "full",
    segments: [
      { start_s: 0, end_s: 4, probability: 0.1, verdict: "real" },
      { start_s: 4, end_s: 6, probability: 0.95, verdict: "fake" },
      { start_s: 6, end_s: 10, probability: 0.55 },
      { start_s: 7, end_s: 7 }, // empty: dropped
    ],
  };
  const timeline = timelineOf(answer);
  assert.equal(timeline.length, 3);
  assert.deepEqual(timeline.map((s) => [s.left, s.width, s.verdict]), [[0, 40, "real"], [40, 20, "fake"], [60, 40, "uncertain"]]);
  assert.equal(timeline[1].label, "4.0–6.0 s: Fake, P(fake) 95%");
  assert.equal(timeline[1].start, 4);
  // Overlapping windows (4 s long, one every 2 s) tile the line; their words keep the whole span.
  const windows = timelineOf({ video: { duration_s: 8 }, segments: [
    { start_s: 4, end_s: 8, probability: 0.9, verdict: "fake" },
    { start_s: 0, end_s: 4, probability: 0.1, verdict: "real" },
    { start_s: 2, end_s: 6, probability: 0.2, verdict: "real" },
  ] });
  assert.deepEqual(windows.map((s) => [s.start, s.left, s.width]), [[0, 0, 25], [2, 25, 25], [4, 50, 50]]);
  assert.equal(windows[1].label, "2.0–6.0 s: Real, P(fake) 20%");
  // Without a known duration the last segment's end is the whole.
  assert.equal(timelineOf({ segments: [{ start_s: 0, end_s: 2, verdict: "real" }, { start_s: 2, end_s: 8, verdict: "fake" }] })[1].left, 25);
});

test("face tracks: pixel boxes become fractions of the frame, the nearest box per frame is drawn", () => {
  const answer = {
    ...demoUnfamiliar,
    faces: [
      { track: 0, boxes: [[0.5, 64, 36, 128, 72], [1.0, 80, 36, 128, 72]], probability: 0.1, verdict: "real" },
      { track: 1, boxes: [[0.5, 320, 180, 64, 64]], probability: 0.9, verdict: "fake" },
      { track: 2, boxes: [[0.5, "x", 1, 1, 1]], probability: 0.2 },
    ],
  };
  const tracks = faceTracksOf(answer);
  assert.deepEqual(tracks[0].boxes[0], { t: 0.5, x: 0.1, y: 0.1, w: 0.2, h: 0.2 });
  assert.equal(tracks[1].label, "face 1: Fake 90%");
  assert.deepEqual(tracks[2].boxes, []);
  const at = boxesAt(tracks, 0.52, 0.1);
  assert.deepEqual(at.map((box) => [box.track, box.x]), [[0, 0.1], [1, 0.5]]);
  assert.deepEqual(boxesAt(tracks, 3, 0.1), []);
  // Pixel boxes without the video's size cannot be placed.
  assert.deepEqual(faceTracksOf({ faces: [{ track: 0, boxes: [[0, 10, 10, 50, 50]] }] })[0].boxes, []);
  // Boxes already in fractions stay as they are.
  assert.deepEqual(faceTracksOf({ faces: [{ track: 3, boxes: [[0, 0.1, 0.2, 0.3, 0.4]] }] })[0].boxes[0], { t: 0, x: 0.1, y: 0.2, w: 0.3, h: 0.4 });
});
