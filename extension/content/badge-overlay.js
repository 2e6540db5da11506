// The badges' DOM: one fixed, click-through layer over the page (in its own shadow root, so
// page styles cannot reach it), with a small button at the top-left corner of each video,
// away from the player's controls at the bottom.

import { BADGE_STATES, BADGE_TEXT, BADGE_FOCUS, BADGE_TAG } from "../lib/palette.js";
import { BadgeState } from "../lib/badge-state.js";

const HOST_ID = "deepfake-detector-overlay";
const INSET_PX = 8;
// Videos smaller than this get no visible badge: it would cover them.
const MIN_VIDEO_SIZE = { width: 80, height: 45 };

const STATE_STYLE = Object.entries(BADGE_STATES)
  .map(
    ([state, colours]) =>
      `.badge[data-state="${state}"] { background: ${colours.background}; }\n` +
      `.badge[data-state="${state}"] .dot { background: ${colours.dot}; }`,
  )
  .join("\n");

const STYLE = `
:host { all: initial; }
.layer { position: fixed; inset: 0 auto auto 0; width: 0; height: 0; overflow: visible;
  pointer-events: none; z-index: 2147483647; }
.layer.hidden { display: none; }
.badge { position: absolute; left: 0; top: 0; pointer-events: auto; cursor: pointer;
  display: inline-flex; align-items: center; gap: 6px; max-width: 220px; padding: 3px 9px 3px 7px;
  border: 1px solid rgba(255,255,255,.35); border-radius: 999px; overflow: hidden;
  font: 600 12px/16px system-ui, sans-serif; color: ${BADGE_TEXT}; background: ${BADGE_STATES.idle.background};
  box-shadow: 0 1px 4px rgba(0,0,0,.4); white-space: nowrap; }
.badge[hidden] { display: none; }
.badge:focus-visible { outline: 2px solid ${BADGE_FOCUS}; outline-offset: 1px; box-shadow: 0 0 0 4px #000; }
.dot { width: 8px; height: 8px; border-radius: 50%; flex: none; }
.text { overflow: hidden; text-overflow: ellipsis; }
.tag { flex: none; padding: 0 5px; border-radius: 6px; font-weight: 700; font-size: 10px;
  background: ${BADGE_TAG.background}; color: ${BADGE_TAG.text}; }
.bar { position: absolute; left: 0; bottom: 0; height: 2px; width: 0; background: ${BADGE_FOCUS}; }
.badge[data-state="${BadgeState.ANALYSING}"] .dot { animation: pulse 1s infinite alternate; }
.badge[data-state="${BadgeState.OFFLINE}"] .dot { border: 1px solid #bbb; }
${STATE_STYLE}
.announcer { position: fixed; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
@keyframes pulse { from { opacity: .35; } to { opacity: 1; } }
@media (prefers-reduced-motion: reduce) { .badge[data-state="${BadgeState.ANALYSING}"] .dot { animation: none; } }
`;

export function createOverlay() {
  const host = document.createElement("div");
  host.id = HOST_ID;
  const root = host.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = STYLE;
  const layer = document.createElement("div");
  layer.className = "layer";
  // Screen readers hear how each analysis ends (a polite live region, outside the layer so that
  // hiding the badges in fullscreen does not silence it).
  const announcer = document.createElement("div");
  announcer.className = "announcer";
  announcer.setAttribute("role", "status");
  announcer.setAttribute("aria-live", "polite");
  root.append(style, layer, announcer);

  // Single page apps may rebuild <html>'s children: put the layer back when it went missing.
  function ensureAttached() {
    if (!host.isConnected) document.documentElement.append(host);
  }

  return {
    ensureAttached,
    addBadge(onClick) {
      ensureAttached();
      const badge = document.createElement("button");
      badge.type = "button";
      badge.className = "badge";
      badge.innerHTML =
        '<span class="dot" aria-hidden="true"></span><span class="text"></span><span class="bar" aria-hidden="true"></span>';
      badge.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        onClick();
      });
      layer.append(badge);
      return badge;
    },
    render,
    place,
    announce(text) {
      announcer.textContent = text;
    },
    setHidden: (hidden) => layer.classList.toggle("hidden", hidden),
  };
}

// Shows `view` ({text, title, ariaLabel}) for `badge` (the state machine's value). The data-*
// attributes expose the state and the exact probability to tools and tests.
function render(element, view, badge, attributes) {
  element.dataset.state = badge.state;
  Object.assign(element.dataset, attributes);
  if (badge.result) element.dataset.probability = String(badge.result.probability);
  else delete element.dataset.probability;
  if (badge.reason) element.dataset.reason = badge.reason;
  else delete element.dataset.reason;
  if (badge.code) element.dataset.code = badge.code;
  else delete element.dataset.code;
  element.querySelector(".text").textContent = view.text;
  element.querySelectorAll(".tag").forEach((tag) => tag.remove());
  const bar = element.querySelector(".bar");
  for (const text of view.tags ?? []) {
    const tag = document.createElement("span");
    tag.className = "tag";
    tag.textContent = text;
    bar.before(tag);
  }
  element.title = view.title;
  element.setAttribute("aria-label", view.ariaLabel);
  bar.style.width = badge.state === BadgeState.ANALYSING ? `${Math.round(badge.progress * 100)}%` : "0";
}

// Puts the badge at the top-left of the video's viewport rectangle, or hides it when the
// video is too small or scrolled out of view.
function place(element, rect) {
  const visible =
    rect.width >= MIN_VIDEO_SIZE.width &&
    rect.height >= MIN_VIDEO_SIZE.height &&
    rect.bottom > 0 &&
    rect.right > 0 &&
    rect.top < window.innerHeight &&
    rect.left < window.innerWidth;
  element.hidden = !visible;
  if (!visible) return;
  element.style.maxWidth = `${Math.max(60, rect.width - 2 * INSET_PX)}px`;
  // A video partly scrolled above the viewport keeps its badge in view.
  const x = Math.max(rect.left, 0) + INSET_PX;
  const y = Math.max(rect.top, 0) + INSET_PX;
  element.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
}
