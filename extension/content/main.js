// Content script: a badge on every video of the page; a click analyses the video through the
// service worker (which downloads it), or from frames captured here when it cannot.

import { initialBadge, transition, badgeView, isResultState, BadgeState } from "../lib/badge-state.js";
import { MessageType, unwrap } from "../lib/messages.js";
import { AnalysisError, ErrorCode, errorPayload } from "../lib/errors.js";
import { HealthStatus, healthError, isReady, offlineAnswer } from "../lib/health.js";
import { isDownloadableUrl } from "../lib/download.js";
import { withDefaults } from "../lib/settings.js";
import { createOverlay } from "./badge-overlay.js";
import { watchVideos } from "./video-discovery.js";
import { captureFrames } from "./capture-frames.js";

// Worker failures after which frames captured in the page are the way left.
const CAPTURE_FALLBACK_CODES = new Set([ErrorCode.DOWNLOAD_REFUSED, ErrorCode.TOO_LARGE]);
// Capturing takes this share of the progress bar; the server's work takes the rest.
const CAPTURE_SHARE = 0.7;
const PLACEMENT_INTERVAL_MS = 1000;

const overlay = createOverlay();
const records = new Map(); // videoId -> {id, video, badge, element, source}
const framePrefix = crypto.randomUUID().slice(0, 8);
let nextVideoNumber = 1;
let settings = withDefaults();
let health = { status: HealthStatus.READY, reason: null };
let autoQueue = Promise.resolve();

async function ask(message) {
  try {
    return unwrap(await chrome.runtime.sendMessage(message));
  } catch (error) {
    if (error instanceof AnalysisError) throw error;
    throw new AnalysisError(ErrorCode.EXTENSION_RELOADED, "The extension was updated or reloaded: reload this page.");
  }
}

function sourceOf(video) {
  return video.currentSrc || video.src || video.querySelector("source[src]")?.src || "";
}

function apply(record, event) {
  record.badge = transition(record.badge, event);
  overlay.render(record.element, badgeView(record.badge), record.badge, {
    videoId: record.id,
    src: record.source,
  });
}

function page() {
  return { pageUrl: location.href, pageTitle: document.title };
}

async function requireServer() {
  const problem = healthError(await ask({ type: MessageType.HEALTH }));
  if (problem) throw problem;
}

async function analyseFromFrames(record) {
  await requireServer(); // before disturbing the video for nothing
  const onProgress = (fraction) => apply(record, { type: "progress", stage: "capturing", fraction: fraction * CAPTURE_SHARE });
  const { frames, times, fps } = await captureFrames(record.video, onProgress);
  const url = record.source || `${location.href}#video-${record.id}`;
  return ask({ type: MessageType.ANALYSE_FRAMES, url, videoId: record.id, frames, times, fps, ...page() });
}

async function obtainResult(record) {
  if (isDownloadableUrl(record.source)) {
    try {
      return await ask({ type: MessageType.ANALYSE_URL, url: record.source, videoId: record.id, ...page() });
    } catch (error) {
      if (!CAPTURE_FALLBACK_CODES.has(error.code)) throw error;
    }
  }
  return analyseFromFrames(record);
}

async function analyse(record) {
  if (record.badge.state === BadgeState.ANALYSING) return;
  apply(record, { type: "start" });
  try {
    const { entry } = await obtainResult(record);
    apply(record, { type: "result", result: entry.result });
  } catch (error) {
    apply(record, { type: "failure", error: errorPayload(error) });
  }
}

function onBadgeClick(record) {
  if (isResultState(record.badge.state)) {
    ask({ type: MessageType.SHOW_RESULT, url: record.source }).catch(() => {});
  } else {
    analyse(record);
  }
}

// Shows a result already in the history (no upload), for videos with a stable URL.
async function showCachedResult(record) {
  if (!isDownloadableUrl(record.source)) return;
  const source = record.source;
  const entry = await ask({ type: MessageType.LOOKUP, url: source }).catch(() => null);
  // A known verdict beats "offline": it stays true while the proxy is down.
  const replaceable = record.badge.state === BadgeState.IDLE || record.badge.state === BadgeState.OFFLINE;
  if (entry && record.source === source && replaceable) {
    apply(record, { type: "result", result: entry.result });
  }
}

function onNewSource(record) {
  const source = sourceOf(record.video);
  if (source === record.source || record.badge.state === BadgeState.ANALYSING) return;
  record.source = source;
  apply(record, { type: "reset" });
  applyHealth(record);
  showCachedResult(record);
}

function applyHealth(record) {
  apply(record, { type: "health", online: isReady(health), reason: health.reason });
}

function addVideo(video) {
  const id = `${framePrefix}-${nextVideoNumber++}`;
  const record = { id, video, badge: initialBadge(), element: null, source: sourceOf(video) };
  record.element = overlay.addBadge(() => onBadgeClick(record));
  records.set(id, record);
  apply(record, { type: "reset" });
  applyHealth(record);
  video.addEventListener("loadstart", () => onNewSource(record));
  resizeObserver.observe(video);
  placeAll();
  showCachedResult(record);
  if (settings.autoAnalyse) autoQueue = autoQueue.then(() => analyse(record));
}

function removeVideo(record) {
  record.element.remove();
  resizeObserver.unobserve(record.video);
  records.delete(record.id);
  discovery.forget(record.video);
}

function placeAll() {
  overlay.ensureAttached();
  for (const record of records.values()) {
    if (record.video.isConnected) overlay.place(record.element, record.video.getBoundingClientRect());
    else removeVideo(record);
  }
}

let placementQueued = false;
function schedulePlacement() {
  if (placementQueued) return;
  placementQueued = true;
  requestAnimationFrame(() => {
    placementQueued = false;
    placeAll();
  });
}

async function refreshHealth() {
  health = await ask({ type: MessageType.HEALTH }).catch((error) => offlineAnswer(error.message));
  records.forEach(applyHealth);
}

function onWorkerMessage(message) {
  if (message?.type !== MessageType.PROGRESS) return;
  const record = records.get(message.videoId);
  if (record) apply(record, { type: "progress", stage: message.stage, fraction: message.fraction });
}

const resizeObserver = new ResizeObserver(schedulePlacement);
chrome.runtime.onMessage.addListener(onWorkerMessage);
chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== "local" || !changes.settings) return;
  settings = withDefaults(changes.settings.newValue);
  refreshHealth();
});
window.addEventListener("scroll", schedulePlacement, { capture: true, passive: true });
window.addEventListener("resize", schedulePlacement, { passive: true });
// Transitions and animations move videos without any event: re-place now and then.
setInterval(() => document.visibilityState === "visible" && placeAll(), PLACEMENT_INTERVAL_MS);
// The layer lives outside the top layer, so it would float over nothing in fullscreen.
document.addEventListener("fullscreenchange", () => overlay.setHidden(Boolean(document.fullscreenElement)));
document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && refreshHealth());

settings = withDefaults((await chrome.storage.local.get("settings")).settings);
const discovery = watchVideos(addVideo);
refreshHealth();
