// The badges' DOM: one fixed, click-through layer over the page (in its own shadow root, so
// page styles cannot reach it), with a small button at the top-left corner of each video,
// away from the player's controls at the bottom.

const HOST_ID = "deepfake-detector-overlay";
const INSET_PX = 8;
// Videos smaller than this get no visible badge: it would cover them.
const MIN_VIDEO_SIZE = { width: 80, height: 45 };

const STYLE = `
:host { all: initial; }
.layer { position: fixed; inset: 0 auto auto 0; width: 0; height: 0; overflow: visible;
  pointer-events: none; z-index: 2147483647; }
.layer.hidden { display: none; }
.badge { position: absolute; left: 0; top: 0; pointer-events: auto; cursor: pointer;
  display: inline-flex; align-items: center; gap: 6px; max-width: 220px; padding: 3px 9px 3px 7px;
  border: 1px solid rgba(255,255,255,.35); border-radius: 999px; overflow: hidden;
  font: 600 12px/16px system-ui, sans-serif; color: #fff; background: rgba(20,20,24,.82);
  box-shadow: 0 1px 4px rgba(0,0,0,.4); white-space: nowrap; }
.badge[hidden] { display: none; }
.badge:focus-visible { outline: 2px solid #8ab4f8; outline-offset: 1px; }
.dot { width: 8px; height: 8px; border-radius: 50%; background: #9aa0a6; flex: none; }
.bar { position: absolute; left: 0; bottom: 0; height: 2px; width: 0; background: #8ab4f8; }
.badge[data-state="analysing"] .dot { background: #8ab4f8; animation: pulse 1s infinite alternate; }
.badge[data-state="real"] .dot { background: #34a853; }
.badge[data-state="fake"] .dot { background: #ea4335; }
.badge[data-state="fake"] { background: rgba(150,20,20,.9); }
.badge[data-state="uncertain"] .dot { background: #fbbc04; }
.badge[data-state="error"] .dot { background: #ff8a65; }
.badge[data-state="offline"] .dot { background: #5f6368; border: 1px solid #bbb; }
@keyframes pulse { from { opacity: .35; } to { opacity: 1; } }
`;

export function createOverlay() {
  const host = document.createElement("div");
  host.id = HOST_ID;
  const root = host.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = STYLE;
  const layer = document.createElement("div");
  layer.className = "layer";
  root.append(style, layer);

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
      badge.innerHTML = '<span class="dot"></span><span class="text"></span><span class="bar"></span>';
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
  element.querySelector(".text").textContent = view.text;
  element.title = view.title;
  element.setAttribute("aria-label", view.ariaLabel);
  const bar = element.querySelector(".bar");
  bar.style.width = badge.state === "analysing" ? `${Math.round(badge.progress * 100)}%` : "0";
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
