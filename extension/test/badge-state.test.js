import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BadgeState,
  initialBadge,
  transition,
  verdictOf,
  badgeView,
  isResultState,
  UNCERTAIN_MARGIN,
} from "../lib/badge-state.js";

const result = (probability, threshold = 0.5) => ({ label: probability >= threshold ? "fake" : "real", probability, confidence: Math.max(probability, 1 - probability), threshold });
const run = (...events) => events.reduce(transition, initialBadge());

test("a new badge is idle and invites a click", () => {
  const badge = initialBadge();
  assert.equal(badge.state, BadgeState.IDLE);
  assert.equal(badgeView(badge).text, "Check video");
});

test("start moves to analysing, and a second start is ignored", () => {
  const analysing = run({ type: "start" });
  assert.equal(analysing.state, BadgeState.ANALYSING);
  const again = transition({ ...analysing, progress: 0.4 }, { type: "start" });
  assert.equal(again.progress, 0.4);
});

test("progress is clamped and never goes backwards", () => {
  const badge = run({ type: "start" }, { type: "progress", fraction: 0.6, stage: "downloading" }, { type: "progress", fraction: 0.3 });
  assert.equal(badge.progress, 0.6);
  assert.equal(run({ type: "start" }, { type: "progress", fraction: 7 }).progress, 1);
  assert.match(badgeView(badge).text, /Downloading 60%/);
});

test("progress outside an analysis changes nothing", () => {
  assert.deepEqual(transition(initialBadge(), { type: "progress", fraction: 0.5 }), initialBadge());
});

test("results far from the threshold are real or fake, near it uncertain", () => {
  assert.equal(run({ type: "start" }, { type: "result", result: result(0.9) }).state, BadgeState.FAKE);
  assert.equal(run({ type: "start" }, { type: "result", result: result(0.05) }).state, BadgeState.REAL);
  assert.equal(run({ type: "start" }, { type: "result", result: result(0.55) }).state, BadgeState.UNCERTAIN);
  assert.equal(run({ type: "start" }, { type: "result", result: result(0.45) }).state, BadgeState.UNCERTAIN);
});

test("the uncertain band follows the model's threshold, not 0.5", () => {
  assert.equal(verdictOf(0.5, 0.8), BadgeState.REAL);
  assert.equal(verdictOf(0.75, 0.8), BadgeState.UNCERTAIN);
  assert.equal(verdictOf(0.8 + UNCERTAIN_MARGIN + 0.01, 0.8), BadgeState.FAKE);
});

test("a result keeps the exact probability the API returned", () => {
  const badge = run({ type: "start" }, { type: "result", result: result(0.873421) });
  assert.equal(badge.result.probability, 0.873421);
  assert.equal(badgeView(badge).text, "Fake 87%");
  assert.match(badgeView(badge).title, /P\(fake\) 87%/);
  assert.ok(isResultState(badge.state));
});

test("a real verdict shows how sure it is of real", () => {
  assert.equal(badgeView(run({ type: "result", result: result(0.1) })).text, "Real 90%");
});

test("a result without a usable probability becomes an error", () => {
  for (const bad of [null, { label: "fake" }, { probability: 1.5 }, { probability: Number.NaN }]) {
    const badge = run({ type: "start" }, { type: "result", result: bad });
    assert.equal(badge.state, BadgeState.ERROR);
    assert.equal(badge.code, "bad-response");
  }
});

test("a missing threshold falls back to 0.5", () => {
  const badge = run({ type: "result", result: { label: "fake", probability: 0.9, confidence: 0.9 } });
  assert.equal(badge.result.threshold, 0.5);
});

test("server failures show offline, others an error with the reason on hover", () => {
  const offline = run({ type: "start" }, { type: "failure", error: { code: "offline", message: "Cannot reach the proxy." } });
  assert.equal(offline.state, BadgeState.OFFLINE);
  assert.match(badgeView(offline).title, /Cannot reach the proxy/);
  const unavailable = run({ type: "failure", error: { code: "model-unavailable", message: "no worker" } });
  assert.equal(unavailable.state, BadgeState.OFFLINE);
  const bad = run({ type: "start" }, { type: "failure", error: { code: "bad-video", message: "Cannot decode" } });
  assert.equal(bad.state, BadgeState.ERROR);
  assert.equal(badgeView(bad).text, "Error");
  assert.match(badgeView(bad).title, /Cannot decode/);
});

test("an unreadable (cross-origin or DRM) video says so", () => {
  for (const code of ["tainted", "protected"]) {
    const badge = run({ type: "failure", error: { code, message: "Can't read this video's pixels" } });
    assert.equal(badge.state, BadgeState.ERROR);
    assert.equal(badgeView(badge).text, "Can't read pixels");
  }
});

test("health marks idle badges offline and back, but never hides a result", () => {
  const offline = run({ type: "health", online: false, reason: "down" });
  assert.equal(offline.state, BadgeState.OFFLINE);
  assert.equal(transition(offline, { type: "health", online: true }).state, BadgeState.IDLE);
  const fake = run({ type: "result", result: result(0.95) });
  assert.equal(transition(fake, { type: "health", online: false }).state, BadgeState.FAKE);
  const analysing = run({ type: "start" });
  assert.equal(transition(analysing, { type: "health", online: false }).state, BadgeState.ANALYSING);
});

test("reset returns to idle from any state", () => {
  assert.deepEqual(transition(run({ type: "result", result: result(0.9) }), { type: "reset" }), initialBadge());
});

test("an unknown event is a programming error", () => {
  assert.throws(() => transition(initialBadge(), { type: "explode" }), TypeError);
});

test("every state has a label for screen readers", () => {
  const badges = [
    initialBadge(),
    run({ type: "start" }),
    run({ type: "result", result: result(0.9) }),
    run({ type: "failure", error: { code: "x", message: "y" } }),
  ];
  for (const badge of badges) assert.match(badgeView(badge).ariaLabel, /^Deepfake check: /);
});
