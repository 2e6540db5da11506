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

const answer = (fields) => ({ label: "fake", probability: 0.97, confidence: 0.97, threshold: 0.62, ...fields });
const shown = (fields, operatingPoint) => {
  const badge = run({ type: "start" }, { type: "result", result: answer(fields), operatingPoint });
  return { badge, view: badgeView(badge) };
};

test("the answer's verdict drives the badge; out of distribution is the grey unfamiliar state", () => {
  const { badge, view } = shown({ verdict: "out_of_distribution" });
  assert.equal(badge.state, BadgeState.UNFAMILIAR);
  assert.ok(isResultState(badge.state));
  assert.equal(view.text, "Unfamiliar video");
  assert.match(view.title, /^Unfamiliar video: this model was not trained on videos like this/);
  assert.match(view.title, /P\(fake\) 97% is not meaningful for it/);
  assert.equal(shown({ verdict: "uncertain", probability: 0.9 }).badge.state, BadgeState.UNCERTAIN);
  assert.equal(shown({ verdict: "real", probability: 0.9 }).badge.state, BadgeState.REAL);
});

test("a demo model's result carries a demo tag and the notice in its title", () => {
  const { view } = shown({ verdict: "real", probability: 0.1, model: { demo: true, trained_on: "synthetic demo data" } });
  assert.deepEqual(view.tags, ["demo"]);
  assert.match(view.title, /Demo model, trained on synthetic clips \(synthetic demo data\)/);
  assert.match(view.ariaLabel, /Demo model/);
  assert.deepEqual(shown({ verdict: "real", probability: 0.1 }).view.tags, []);
});

test("the title states the operating point from /api/model", () => {
  const { view } = shown({ verdict: "fake" }, { heldout: { fpr: 0.05 }, target_fpr: 0.05 });
  assert.match(view.title, /flags about 1 in 20 genuine videos/);
  assert.doesNotMatch(shown({ verdict: "fake" }).view.title, /genuine videos/);
});

test("Content Credentials that declare AI generation tag the badge; the verdict stays the model's", () => {
  const provenance = { present: true, signature_valid: true, claim_generator: "VideoGen", ai_generated: true };
  const { badge, view } = shown({ verdict: "real", probability: 0.1, provenance });
  assert.equal(badge.state, BadgeState.REAL);
  assert.deepEqual(view.tags, ["AI-declared"]);
  assert.match(view.title, /^Content Credentials: declares AI-generated \(by VideoGen\)\./);
  assert.match(shown({ verdict: "real", probability: 0.1, provenance: { present: false } }).view.title, /^No Content Credentials\./);
});

test("a download needing a grant says so and what a click does; waiting for the dialog shows no percent", () => {
  const needed = run({ type: "failure", error: { code: "permission-needed", message: "The extension may not download videos from http://a.example. Click to allow http://a.example: Chrome will ask you." } });
  assert.equal(badgeView(needed).text, "Allow access");
  assert.doesNotMatch(badgeView(needed).title, /Click to retry/);
  const refused = run({ type: "failure", error: { code: "permission-refused", message: "You did not allow it." } });
  assert.equal(badgeView(refused).text, "Access refused");
  assert.equal(refused.state, BadgeState.ERROR);
  const waiting = run({ type: "start" }, { type: "progress", stage: "permission", fraction: 0 });
  assert.equal(badgeView(waiting).text, "Waiting for permission");
  assert.match(badgeView(waiting).title, /answer its dialog/);
});

test("a verdict from frames captured in the page says its Content Credentials were not checked", () => {
  const badge = run({ type: "start" }, { type: "result", result: answer({ verdict: "real", probability: 0.1, provenance: { present: false } }), fromFrames: true });
  assert.match(badgeView(badge).title, /^Content Credentials not checked: frames captured in the page carry none\./);
  assert.deepEqual(badgeView(badge).tags, []);
});
