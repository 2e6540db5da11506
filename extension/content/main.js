// Content script: a badge on every video of the page; a click analyses the video through the
// service worker (which downloads it), or from frames captured here when it cannot.

import { initialBadge, transition, badgeView, isResultState, BadgeState, BadgeEvent, Stage } from "../lib/badge-state.js";
import { MessageType, unwrap, validateMessage, success, failure } from "../lib/messages.js";
import { AnalysisError, ErrorCode, errorPayload } from "../lib/errors.js";
import { HealthStatus, healthError, isReady, offlineAnswer } from "../lib/health.js";
import { isDownloadableUrl } from "../lib/download.js";
import { originOf } from "../lib/host-access.js";
import { EntrySource } from "../lib/result-cache.js";
import { withDefaults } from "../lib/settings.js";
import { createOverlay } from "./badge-overlay.js";
import { watchVideos } from "./video-discovery.js";
import { captureFrames } from "./capture-frames.js";

// Worker failures after which frames captured in the page are the way left.
const CAPTURE_FALLBACK_CODES = new Set([ErrorCode.DOWNLOAD_REFUSED, ErrorCode.TOO_LARGE]);
// Badges in these states ask Chrome for the video's origin first when clicked.
const PERMISSION_CODES = new Set([ErrorCode.PERMISSION_NEEDED, ErrorCode.PERMISSION_REFUSED]);
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
  const before = record.badge.state;
  record.badge = transition(record.badge, event);
  const view = badgeView(record.badge);
  overlay.render(record.element, view, record.badge, { videoId: record.id, src: record.source });
  // Screen readers hear how an analysis ended (not every cached verdict shown on page load).
  if (before === BadgeState.ANALYSING && record.badge.state !== BadgeState.ANALYSING) overlay.announce(view.ariaLabel);
}

// The badge's result event for a history entry.
function resultEvent(entry) {
  return { result: entry.result, operatingPoint: entry.operatingPoint, fromFrames: entry.source === EntrySource.FRAMES };
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
  const onProgress = (fraction) => apply(record, { type: BadgeEvent.PROGRESS, stage: Stage.CAPTURING, fraction: fraction * CAPTURE_SHARE });
  const { frames, times, fps } = await captureFrames(record.video, onProgress);
  const url = record.source || `${location.href}#video-${record.id}`;
  return ask({ type: MessageType.ANALYSE_FRAMES, url, videoId: record.id, frames, times, fps, ...page() });
}

function analyseByDownload(record) {
  return ask({ type: MessageType.ANALYSE_URL, url: record.source, videoId: record.id, ...page() });
}

// Asks (through the worker) Chrome's permission to download from the video's origin:
// {granted, asked}. Only for an analysis a click started, while that click is still being
// handled (the page's transient activation): Chrome shows its dialog for a user gesture only,
// and automatic analyses never ask.
async function askForAccess(record, byClick) {
  if (!byClick || !navigator.userActivation?.isActive) return { granted: false, asked: false };
  apply(record, { type: BadgeEvent.PROGRESS, stage: Stage.PERMISSION, fraction: 0 });
  return ask({ type: MessageType.REQUEST_ACCESS, url: record.source }).catch(() => ({ granted: false, asked: false }));
}

// Why a video whose download needs a grant and whose pixels are hidden cannot be checked.
function accessRefusal(record, access) {
  const origin = originOf(record.source);
  const hidden = "and the page hides this video's pixels (another site serves it, without CORS)";
  if (access.asked) {
    return new AnalysisError(
      ErrorCode.PERMISSION_REFUSED,
      `You did not allow the extension to download videos from ${origin}, ${hidden}. Click to be asked again.`,
    );
  }
  return new AnalysisError(
    ErrorCode.PERMISSION_NEEDED,
    `The extension may not download videos from ${origin} (its site access does not include that site), ${hidden}. ` +
      `Click to allow ${origin}: Chrome will ask you.`,
  );
}

// {entry} from the video file, asking Chrome once for its origin when the download needs a
// grant; {access} when the file cannot be had and frames must be captured instead. `access` is
// an answer already given for this analysis (the badge asked first, or the context menu did).
async function resultByDownload(record, access, byClick) {
  try {
    return { entry: (await analyseByDownload(record)).entry };
  } catch (error) {
    if (error.code === ErrorCode.PERMISSION_NEEDED) {
      if (access) return { access };
      const asked = await askForAccess(record, byClick);
      return asked.granted ? { entry: (await analyseByDownload(record)).entry } : { access: asked };
    }
    if (CAPTURE_FALLBACK_CODES.has(error.code)) return { access };
    throw error;
  }
}

async function framesOrRefusal(record, access) {
  try {
    return (await analyseFromFrames(record)).entry;
  } catch (error) {
    if (access && !access.granted && error.code === ErrorCode.TAINTED) throw accessRefusal(record, access);
    throw error;
  }
}

// `byClick`: a click on the badge started this; `askFirst`: ask Chrome before trying the
// download (the badge said a grant is needed); `access`: Chrome's answer already given.
async function obtainEntry(record, { byClick = false, askFirst = false, access = null } = {}) {
  if (!isDownloadableUrl(record.source)) return (await analyseFromFrames(record)).entry;
  const given = access ?? (askFirst ? await askForAccess(record, byClick) : null);
  const outcome = await resultByDownload(record, given, byClick);
  return outcome.entry ?? framesOrRefusal(record, outcome.access);
}

// Analyses the video and shows the outcome on its badge; answers success(entry) or failure(error).
async function analyse(record, options) {
  if (record.badge.state === BadgeState.ANALYSING) {
    return failure(new AnalysisError(ErrorCode.BUSY, "This video is being analysed already."));
  }
  apply(record, { type: BadgeEvent.START });
  try {
    const entry = await obtainEntry(record, options);
    apply(record, { type: BadgeEvent.RESULT, ...resultEvent(entry) });
    return success(entry);
  } catch (error) {
    apply(record, { type: BadgeEvent.FAILURE, error: errorPayload(error) });
    return failure(error);
  }
}

function onBadgeClick(record) {
  if (isResultState(record.badge.state)) {
    ask({ type: MessageType.SHOW_RESULT, url: record.source }).catch(() => {});
  } else {
    analyse(record, { byClick: true, askFirst: PERMISSION_CODES.has(record.badge.code) });
  }
}

function recordShowing(url) {
  return [...records.values()].find((record) => record.source === url || record.video.currentSrc === url) ?? null;
}

// The context menu's "Check this video": the badge's flow for the video under the pointer.
// `access` is the worker's answer to asking Chrome for the video's origin during the menu click.
async function checkFromMenu(message) {
  const record = recordShowing(message.url);
  if (!record) return failure(new AnalysisError(ErrorCode.NO_VIDEO, "The page no longer shows this video."));
  if (isResultState(record.badge.state)) {
    const entry = await ask({ type: MessageType.LOOKUP, url: record.source }).catch(() => null);
    if (entry) return success(entry);
  }
  return analyse(record, { access: message.access ?? null });
}

// Shows a result already in the history (no upload), for videos with a stable URL.
async function showCachedResult(record) {
  if (!isDownloadableUrl(record.source)) return;
  const source = record.source;
  const entry = await ask({ type: MessageType.LOOKUP, url: source }).catch(() => null);
  // A known verdict beats "offline": it stays true while the proxy is down.
  const replaceable = record.badge.state === BadgeState.IDLE || record.badge.state === BadgeState.OFFLINE;
  if (entry && record.source === source && replaceable) {
    apply(record, { type: BadgeEvent.RESULT, ...resultEvent(entry) });
  }
}

function onNewSource(record) {
  const source = sourceOf(record.video);
  if (source === record.source || record.badge.state === BadgeState.ANALYSING) return;
  record.source = source;
  apply(record, { type: BadgeEvent.RESET });
  applyHealth(record);
  showCachedResult(record);
}

function applyHealth(record) {
  apply(record, { type: BadgeEvent.HEALTH, online: isReady(health), reason: health.reason });
}

function addVideo(video) {
  const id = `${framePrefix}-${nextVideoNumber++}`;
  const record = { id, video, badge: initialBadge(), element: null, source: sourceOf(video) };
  record.element = overlay.addBadge(() => onBadgeClick(record));
  records.set(id, record);
  apply(record, { type: BadgeEvent.RESET });
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

function onWorkerMessage(message, sender, sendResponse) {
  if (message?.type === MessageType.PROGRESS) {
    const record = records.get(message.videoId);
    if (record) apply(record, { type: BadgeEvent.PROGRESS, stage: message.stage, fraction: message.fraction });
    return false;
  }
  if (message?.type === MessageType.SEEK_VIDEO && !validateMessage(message)) {
    const record = recordShowing(message.url);
    if (!record) return false; // another frame of the tab may show it
    record.video.currentTime = message.time;
    sendResponse(true);
    return false;
  }
  if (message?.type !== MessageType.CHECK_VIDEO || validateMessage(message)) return false;
  if (!recordShowing(message.url)) return false;
  checkFromMenu(message).then(sendResponse);
  return true;
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
