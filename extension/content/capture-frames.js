// Captures frames of a video in the page, for sources the service worker cannot download
// (blob:/MediaSource, refused downloads): seek, draw to a canvas, encode as JPEG.

import { frameTimes, samplingRange, samplingRate, FRAME_COUNT } from "../lib/frame-times.js";
import { AnalysisError, ErrorCode } from "../lib/errors.js";

// Large enough for the model's 224-px input after an optional face crop, small to upload.
const MAX_FRAME_SIDE = 512;
const JPEG_QUALITY = 0.9;
const LOAD_TIMEOUT_MS = 10000;
const SEEK_TIMEOUT_MS = 10000;

const TAINTED_MESSAGE =
  "Can't read this video's pixels: the site serves it from another origin without allowing it " +
  "(no CORS), so the browser hides its frames, and the download was refused.";

const PROTECTED_MESSAGE = "Can't read this video's pixels: it is DRM-protected (encrypted media).";

// Resolves on `name`, rejects on the element's `error` event or after `timeoutMs`.
function nextEvent(element, name, timeoutMs) {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      element.removeEventListener(name, onEvent);
      element.removeEventListener("error", onError);
    };
    const onEvent = () => {
      cleanup();
      resolve();
    };
    const onError = () => {
      cleanup();
      reject(new AnalysisError(ErrorCode.CAPTURE_FAILED, `The video failed to load: ${element.error?.message || "unknown error"}.`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new AnalysisError(ErrorCode.CAPTURE_FAILED, `The video did not answer (${name}) within ${timeoutMs / 1000} s.`));
    }, timeoutMs);
    element.addEventListener(name, onEvent);
    element.addEventListener("error", onError);
  });
}

async function ensureMetadata(video) {
  if (video.readyState >= HTMLMediaElement.HAVE_METADATA) return;
  const loaded = nextEvent(video, "loadedmetadata", LOAD_TIMEOUT_MS);
  if (video.preload === "none") video.preload = "metadata";
  if (video.networkState === HTMLMediaElement.NETWORK_EMPTY) video.load();
  await loaded;
}

async function seek(video, time) {
  const sought = nextEvent(video, "seeked", SEEK_TIMEOUT_MS);
  video.currentTime = time;
  await sought;
  if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) await nextEvent(video, "loadeddata", SEEK_TIMEOUT_MS);
}

function seekableRanges(video) {
  return Array.from({ length: video.seekable.length }, (_, i) => [video.seekable.start(i), video.seekable.end(i)]);
}

function canvasFor(video) {
  if (!video.videoWidth || !video.videoHeight) {
    throw new AnalysisError(ErrorCode.CAPTURE_FAILED, "The video has no picture (audio only, or not decodable here).");
  }
  const scale = Math.min(1, MAX_FRAME_SIDE / Math.max(video.videoWidth, video.videoHeight));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(video.videoWidth * scale);
  canvas.height = Math.round(video.videoHeight * scale);
  return canvas;
}

// The current frame as a JPEG data: URL; a tainted (cross-origin) canvas becomes a clear error.
function drawFrame(video, canvas) {
  canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
  try {
    return canvas.toDataURL("image/jpeg", JPEG_QUALITY);
  } catch (error) {
    if (error.name === "SecurityError") throw new AnalysisError(ErrorCode.TAINTED, TAINTED_MESSAGE);
    throw error;
  }
}

async function framesOf(video, onProgress) {
  await ensureMetadata(video);
  const range = samplingRange(video.duration, seekableRanges(video));
  if (!range) {
    throw new AnalysisError(ErrorCode.NO_DURATION, "This video has no known duration (a live stream?): its frames cannot be sampled.");
  }
  const canvas = canvasFor(video);
  drawFrame(video, canvas); // fails fast, before any seek, when the pixels are unreadable
  const times = frameTimes(range[0], range[1], FRAME_COUNT);
  const frames = [];
  for (const time of times) {
    await seek(video, time);
    frames.push(drawFrame(video, canvas));
    onProgress(frames.length / FRAME_COUNT);
  }
  return { frames, times, fps: samplingRate(range[0], range[1], FRAME_COUNT) };
}

function isCrossOrigin(src) {
  try {
    const url = new URL(src, location.href);
    return url.protocol !== "blob:" && url.protocol !== "data:" && url.origin !== location.origin;
  } catch {
    return false;
  }
}

// A detached copy of the video to seek in, so the user's playback stays untouched; null when
// the source cannot be opened twice (a MediaSource blob: URL serves one element only, a
// cross-origin file without CORS cannot be read).
async function openHiddenCopy(src) {
  if (!src) return null;
  const copy = document.createElement("video");
  copy.muted = true;
  copy.preload = "auto";
  if (isCrossOrigin(src)) copy.crossOrigin = "anonymous";
  const loaded = nextEvent(copy, "loadeddata", LOAD_TIMEOUT_MS);
  copy.src = src;
  try {
    await loaded;
    return copy;
  } catch {
    release(copy);
    return null;
  }
}

function release(copy) {
  copy.removeAttribute("src");
  copy.load();
}

// Seeks the user's own video, then puts its position and play state back as they were.
async function framesOfOriginal(video, onProgress) {
  const saved = { time: video.currentTime, playing: !video.paused };
  video.pause();
  try {
    return await framesOf(video, onProgress);
  } finally {
    await seek(video, saved.time).catch(() => {});
    if (saved.playing) video.play().catch(() => {});
  }
}

// FRAME_COUNT frames evenly over the video: {frames (JPEG data: URLs), times (s), fps}.
// `onProgress(fraction)` follows the captures.
export async function captureFrames(video, onProgress = () => {}) {
  // Encrypted media draws as black frames: analysing those would be a confident lie.
  if (video.mediaKeys) throw new AnalysisError(ErrorCode.PROTECTED, PROTECTED_MESSAGE);
  const copy = await openHiddenCopy(video.currentSrc || video.src);
  if (!copy) return framesOfOriginal(video, onProgress);
  try {
    return await framesOf(copy, onProgress);
  } finally {
    release(copy);
  }
}
