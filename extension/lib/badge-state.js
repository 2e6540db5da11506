// Badge state machine: one badge per video, driven by analysis events. Pure: no DOM, no chrome.*.

import { ErrorCode } from "./errors.js";

export const BadgeState = Object.freeze({
  IDLE: "idle",
  ANALYSING: "analysing",
  REAL: "real",
  FAKE: "fake",
  UNCERTAIN: "uncertain",
  ERROR: "error",
  OFFLINE: "offline",
});

// A probability within this distance of the threshold is shown as "uncertain": the model's
// label flips on a small change there, so presenting it as a firm verdict would mislead.
export const UNCERTAIN_MARGIN = 0.1;

// Failures where the browser hides the video's pixels (cross-origin without CORS, DRM).
const UNREADABLE_CODES = new Set([ErrorCode.TAINTED, ErrorCode.PROTECTED]);

// Failure codes that mean "the server side is not there", shown as offline rather than error.
const OFFLINE_CODES = new Set([ErrorCode.OFFLINE, ErrorCode.MODEL_UNAVAILABLE]);

const RESULT_STATES = new Set([BadgeState.REAL, BadgeState.FAKE, BadgeState.UNCERTAIN]);

export function initialBadge() {
  return { state: BadgeState.IDLE, progress: 0, stage: null, result: null, reason: null };
}

export function isResultState(state) {
  return RESULT_STATES.has(state);
}

export function verdictOf(probability, threshold, margin = UNCERTAIN_MARGIN) {
  if (Math.abs(probability - threshold) < margin) return BadgeState.UNCERTAIN;
  return probability >= threshold ? BadgeState.FAKE : BadgeState.REAL;
}

function isUnitNumber(value) {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= 1;
}

function resultSummary(result) {
  const threshold = isUnitNumber(result.threshold) ? result.threshold : 0.5;
  return {
    label: result.label,
    probability: result.probability,
    confidence: result.confidence,
    threshold,
  };
}

function onStart(badge) {
  if (badge.state === BadgeState.ANALYSING) return badge;
  return { ...initialBadge(), state: BadgeState.ANALYSING, stage: "starting" };
}

function onProgress(badge, event) {
  if (badge.state !== BadgeState.ANALYSING) return badge;
  const fraction = Math.min(1, Math.max(0, Number(event.fraction) || 0));
  // Progress never moves backwards: stages report their own sub-fractions out of order.
  return { ...badge, progress: Math.max(badge.progress, fraction), stage: event.stage ?? badge.stage };
}

function onResult(badge, event) {
  const result = event.result;
  if (!result || !isUnitNumber(result.probability)) {
    return onFailure(badge, { error: { code: ErrorCode.BAD_RESPONSE, message: "The server answered without a probability." } });
  }
  const summary = resultSummary(result);
  return {
    ...initialBadge(),
    state: verdictOf(summary.probability, summary.threshold),
    progress: 1,
    result: summary,
  };
}

function onFailure(badge, event) {
  const code = event.error?.code ?? "error";
  const reason = event.error?.message || "Analysis failed.";
  const state = OFFLINE_CODES.has(code) ? BadgeState.OFFLINE : BadgeState.ERROR;
  return { ...initialBadge(), state, reason, code };
}

function onHealth(badge, event) {
  // Health only speaks for badges that are not showing something more specific.
  if (!event.online && badge.state === BadgeState.IDLE) {
    return { ...initialBadge(), state: BadgeState.OFFLINE, reason: event.reason || "Server offline." };
  }
  if (event.online && badge.state === BadgeState.OFFLINE) return initialBadge();
  return badge;
}

const HANDLERS = {
  start: onStart,
  progress: onProgress,
  result: onResult,
  failure: onFailure,
  health: onHealth,
  reset: () => initialBadge(),
};

export function transition(badge, event) {
  const handler = HANDLERS[event?.type];
  if (!handler) throw new TypeError(`Unknown badge event: ${event?.type}`);
  return handler(badge, event);
}

export function percent(fraction) {
  return `${Math.round(fraction * 100)}%`;
}

const STAGE_NAMES = {
  starting: "Starting",
  downloading: "Downloading",
  capturing: "Capturing frames",
  analysing: "Analysing",
};

function resultTitle(result) {
  return (
    `P(fake) ${percent(result.probability)} (threshold ${percent(result.threshold)}), ` +
    `confidence ${percent(result.confidence ?? 0)}. Click for details.`
  );
}

// What the badge shows: short text, the hover title, and an accessible label.
export function badgeView(badge) {
  const view = viewFor(badge);
  return { ...view, ariaLabel: `Deepfake check: ${view.text}. ${view.title}` };
}

function viewFor(badge) {
  switch (badge.state) {
    case BadgeState.IDLE:
      return { text: "Check video", title: "Click to check this video for deepfake manipulation." };
    case BadgeState.ANALYSING:
      return {
        text: `${STAGE_NAMES[badge.stage] ?? "Analysing"} ${percent(badge.progress)}`,
        title: "Analysing this video...",
      };
    case BadgeState.REAL:
      return { text: `Real ${percent(1 - badge.result.probability)}`, title: resultTitle(badge.result) };
    case BadgeState.FAKE:
      return { text: `Fake ${percent(badge.result.probability)}`, title: resultTitle(badge.result) };
    case BadgeState.UNCERTAIN:
      return { text: `Uncertain, ${percent(badge.result.probability)} fake`, title: resultTitle(badge.result) };
    case BadgeState.OFFLINE:
      return { text: "Server offline", title: `${badge.reason} Click to retry.` };
    default:
      return { text: UNREADABLE_CODES.has(badge.code) ? "Can't read pixels" : "Error", title: `${badge.reason} Click to retry.` };
  }
}
