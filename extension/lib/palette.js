// The badges' colours. A badge is drawn over any video, bright or dark, so each background is
// opaque and the text on it is white; the state shows in the text first, then in the colour.
// Each pair passes WCAG AA (test/contrast.test.js computes it).

export const BADGE_TEXT = "#ffffff";
export const BADGE_FOCUS = "#8ab4f8";

// state -> {background, dot}: the dot marks the state at a glance; the text says it.
export const BADGE_STATES = Object.freeze({
  idle: { background: "#202124", dot: "#bdc1c6" },
  analysing: { background: "#202124", dot: "#8ab4f8" },
  real: { background: "#202124", dot: "#5bb974" },
  fake: { background: "#a50e0e", dot: "#ffffff" },
  uncertain: { background: "#3c4043", dot: "#e8eaed" },
  unfamiliar: { background: "#5f6368", dot: "#e8eaed" },
  error: { background: "#202124", dot: "#f28b82" },
  offline: { background: "#202124", dot: "#9aa0a6" },
});

// The "demo model" tag inside a result badge.
export const BADGE_TAG = Object.freeze({ background: "#fde293", text: "#202124" });
