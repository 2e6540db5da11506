// Badge state machine: one badge per video, driven by analysis events. Pure: no DOM, no chrome.*.

import { ErrorCode } from "./errors.js";
import {
  Verdict,
  UNCERTAIN_MARGIN,
  verdictOf as answerVerdict,
  verdictFromProbability,
  verdictText,
  verdictSentence,
  thresholdOf,
  percent,
  demoNotice,
  operatingPointText,
  credentialsView,
  CredentialsKind,
} from "./answer-view.js";

export { UNCERTAIN_MARGIN, percent };

export const BadgeState = Object.freeze({
  IDLE: "idle",
  ANALYSING: "analysing",
  REAL: "real",
  FAKE: "fake",
  UNCERTAIN: "uncertain",
  UNFAMILIAR: "unfamiliar", // out of distribution: neutral grey, never red
  ERROR: "error",
  OFFLINE: "offline",
});

// The stages of an analysis, as its progress events name them (worker and content script).
export const Stage = Object.freeze({
  STARTING: "starting",
  DOWNLOADING: "downloading",
  CAPTURING: "capturing",
  ANALYSING: "analysing",
  PERMISSION: "permission", // waiting for the person's answer to Chrome's permission dialog
});

// The events the state machine takes: transition(badge, {type: BadgeEvent.X, ...}).
export const BadgeEvent = Object.freeze({
  START: "start",
  PROGRESS: "progress",
  RESULT: "result",
  FAILURE: "failure",
  HEALTH: "health",
  RESET: "reset",
});


// Failures where the browser hides the video's pixels (cross-origin without CORS, DRM).
const UNREADABLE_CODES = new Set([ErrorCode.TAINTED, ErrorCode.PROTECTED]);

// Failures a grant of the video's origin can fix: a click asks Chrome for it.
const PERMISSION_TEXT = { [ErrorCode.PERMISSION_NEEDED]: "Allow access", [ErrorCode.PERMISSION_REFUSED]: "Access refused" };

// Failure codes that mean "the server side is not there", shown as offline rather than error.
const OFFLINE_CODES = new Set([ErrorCode.OFFLINE, ErrorCode.MODEL_UNAVAILABLE]);

const STATE_OF_VERDICT = {
  [Verdict.REAL]: BadgeState.REAL,
  [Verdict.FAKE]: BadgeState.FAKE,
  [Verdict.UNCERTAIN]: BadgeState.UNCERTAIN,
  [Verdict.OUT_OF_DISTRIBUTION]: BadgeState.UNFAMILIAR,
};

const RESULT_STATES = new Set(Object.values(STATE_OF_VERDICT));

export function initialBadge() {
  return { state: BadgeState.IDLE, progress: 0, stage: null, result: null, reason: null };
}

export function isResultState(state) {
  return RESULT_STATES.has(state);
}

// The badge state of an answer without `verdict` (older servers).
export function verdictOf(probability, threshold, margin = UNCERTAIN_MARGIN) {
  return STATE_OF_VERDICT[verdictFromProbability(probability, threshold, margin)];
}

function isUnitNumber(value) {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= 1;
}

// What a result badge needs of the answer (and of the served model's operating point, and
// whether the answer judged frames captured in the page).
function resultSummary(result, operatingPoint, fromFrames) {
  return {
    label: result.label,
    verdict: answerVerdict(result),
    probability: result.probability,
    confidence: result.confidence,
    threshold: thresholdOf(result),
    demo: demoNotice(result),
    operatingPoint: operatingPointText(operatingPoint),
    credentials: credentialsView(result.provenance, { fromFrames }),
  };
}

function onStart(badge) {
  if (badge.state === BadgeState.ANALYSING) return badge;
  return { ...initialBadge(), state: BadgeState.ANALYSING, stage: Stage.STARTING };
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
  const summary = resultSummary(result, event.operatingPoint, event.fromFrames === true);
  return {
    ...initialBadge(),
    state: STATE_OF_VERDICT[summary.verdict],
    progress: 1,
    result: summary,
  };
}

function onFailure(badge, event) {
  const code = event.error?.code ?? ErrorCode.INTERNAL;
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
  [BadgeEvent.START]: onStart,
  [BadgeEvent.PROGRESS]: onProgress,
  [BadgeEvent.RESULT]: onResult,
  [BadgeEvent.FAILURE]: onFailure,
  [BadgeEvent.HEALTH]: onHealth,
  [BadgeEvent.RESET]: () => initialBadge(),
};

export function transition(badge, event) {
  const handler = HANDLERS[event?.type];
  if (!handler) throw new TypeError(`Unknown badge event: ${event?.type}`);
  return handler(badge, event);
}

const STAGE_NAMES = {
  [Stage.STARTING]: "Starting",
  [Stage.DOWNLOADING]: "Downloading",
  [Stage.CAPTURING]: "Capturing frames",
  [Stage.ANALYSING]: "Analysing",
  [Stage.PERMISSION]: "Waiting for permission",
};

const STAGE_TITLES = {
  [Stage.PERMISSION]: "Chrome is asking whether the extension may download this video from its site: answer its dialog.",
};

// The hover title (and, with the text, the accessible label) of a result badge.
function resultTitle(result) {
  const figures =
    result.verdict === Verdict.OUT_OF_DISTRIBUTION
      ? `P(fake) ${percent(result.probability)} is not meaningful for it.`
      : `P(fake) ${percent(result.probability)} (threshold ${percent(result.threshold)}), confidence ${percent(result.confidence ?? 0)}.`;
  return [
    result.credentials?.text && `${result.credentials.text.replace(/\.$/, "")}.`,
    verdictSentence(result.verdict),
    figures,
    result.operatingPoint,
    result.demo,
    "Click for details.",
  ]
    .filter(Boolean)
    .join(" ");
}

// The small tags after a result's text: the demo model, a declared AI generation.
function resultTags(result) {
  return [result.demo && "demo", result.credentials?.kind === CredentialsKind.AI_GENERATED && "AI-declared"].filter(Boolean);
}

// What the badge shows: short text, tags, the hover title, and an accessible label.
export function badgeView(badge) {
  const view = viewFor(badge);
  const tags = isResultState(badge.state) ? resultTags(badge.result) : [];
  return { ...view, tags, ariaLabel: `Deepfake check: ${view.text}. ${view.title}` };
}

function viewFor(badge) {
  switch (badge.state) {
    case BadgeState.IDLE:
      return { text: "Check video", title: "Click to check this video for deepfake manipulation." };
    case BadgeState.ANALYSING:
      return {
        // Waiting for a person's answer has no progress to show.
        text: badge.stage === Stage.PERMISSION ? STAGE_NAMES[Stage.PERMISSION] : `${STAGE_NAMES[badge.stage] ?? "Analysing"} ${percent(badge.progress)}`,
        title: STAGE_TITLES[badge.stage] ?? "Analysing this video...",
      };
    case BadgeState.REAL:
    case BadgeState.FAKE:
    case BadgeState.UNCERTAIN:
    case BadgeState.UNFAMILIAR:
      return { text: verdictText(badge.result.verdict, badge.result.probability), title: resultTitle(badge.result) };
    case BadgeState.OFFLINE:
      return { text: "Server offline", title: `${badge.reason} Click to retry.` };
    default:
      if (PERMISSION_TEXT[badge.code]) return { text: PERMISSION_TEXT[badge.code], title: badge.reason };
      return { text: UNREADABLE_CODES.has(badge.code) ? "Can't read pixels" : "Error", title: `${badge.reason} Click to retry.` };
  }
}
