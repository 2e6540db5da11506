// Analysing one video in the service worker: cache, download (or frames from the page),
// /api/predict for the verdict, then /api/explain for the heatmaps in the background.

import { AnalysisError, ErrorCode } from "../lib/errors.js";
import { cacheKey, lookup, EntrySource } from "../lib/result-cache.js";
import { readCapped, uploadContentType, MAX_DOWNLOAD_BYTES } from "../lib/download.js";
import { extractOverlays, extractSaliency, ExplanationState } from "../lib/explanation.js";
import { createTimedCache } from "../lib/timed-cache.js";
import { Stage } from "../lib/badge-state.js";
import { Coverage, coverageOf } from "../lib/api-client.js";
import { originOf } from "../lib/host-access.js";
import { hasHostAccess } from "./host-access.js";
import {
  loadHistory,
  rememberEntry,
  updateHistoryEntry,
  saveExplanation,
  dropExplanation,
} from "../common/history-store.js";

// The analysis's share of the progress bar once the bytes are in hand and sent.
const SERVER_STAGE_PROGRESS = 0.7;

// /api/model's answer for the model now served, or null when it cannot be had (proxy down).
const servedModels = createTimedCache(30000);

async function servedModel(api) {
  try {
    return await servedModels.get(api.proxyUrl, () => api.model());
  } catch {
    return null; // not remembered: the proxy may be back in a moment
  }
}

async function servedModelVersion(api) {
  return (await servedModel(api))?.version ?? null;
}

// A cached result, unless the proxy serves a different model version than the one that made it
// (or a whole-video check is asked for and the entry covers 16 frames only). With the proxy
// down, the cached result stands.
export async function cachedResult(api, url, coverage = Coverage.SAMPLED) {
  const entry = lookup(await loadHistory(), cacheKey(url));
  if (!entry || (coverage === Coverage.FULL && coverageOf(entry.result) !== Coverage.FULL)) return null;
  const version = await servedModelVersion(api);
  return version === null || String(version) === String(entry.result?.model?.version) ? entry : null;
}

async function fetchVideo(url) {
  try {
    // No cookies: the extension must not replay the user's session to another server's files.
    return await fetch(url, { credentials: "omit" });
  } catch {
    // A fetch fails like this both for a network error and for an origin outside the
    // extension's host access (no CORS then): only the second one a grant can fix.
    if (!(await hasHostAccess(url))) {
      throw new AnalysisError(
        ErrorCode.PERMISSION_NEEDED,
        `The extension may not download videos from ${originOf(url)}: its site access does not include that site.`,
      );
    }
    throw new AnalysisError(ErrorCode.DOWNLOAD_REFUSED, "The site refused the download.");
  }
}

// The video's bytes and content type, at most MAX_DOWNLOAD_BYTES.
export async function downloadVideo(url, onProgress) {
  const response = await fetchVideo(url);
  if (!response.ok) {
    await response.body?.cancel();
    throw new AnalysisError(ErrorCode.DOWNLOAD_REFUSED, `The site refused the download (HTTP ${response.status}).`);
  }
  if (/^text\//i.test(response.headers.get("content-type") || "")) {
    await response.body?.cancel();
    throw new AnalysisError(ErrorCode.DOWNLOAD_REFUSED, "The site answered with a page, not the video.");
  }
  const bytes = await readCapped(response, MAX_DOWNLOAD_BYTES, onProgress);
  return { bytes, contentType: uploadContentType(response.headers) };
}

// `model`: /api/model's answer (its operating point says how often the threshold flags genuine videos).
function newEntry(request, sender, source, result, model) {
  return {
    key: cacheKey(request.url) ?? request.url,
    url: request.url,
    pageUrl: request.pageUrl || sender.tab?.url || null,
    pageTitle: request.pageTitle || sender.tab?.title || null,
    source,
    analysedAt: new Date().toISOString(),
    result,
    operatingPoint: model?.operating_point ?? null,
    // The instants the page captured (the API only knows their rate): exact times for the chart.
    captureTimes: Array.isArray(request.times) ? request.times : null,
    explanation: ExplanationState.PENDING,
  };
}

async function explainInBackground(entry, explain) {
  try {
    const body = await explain();
    await saveExplanation(entry.key, { overlays: extractOverlays(body), saliency: extractSaliency(body) });
    await updateHistoryEntry(entry.key, { explanation: ExplanationState.READY });
  } catch (error) {
    await updateHistoryEntry(entry.key, { explanation: ExplanationState.FAILED, explanationError: error.message });
  }
}

// Predict and record, then explain without making the badge wait for the heatmaps.
// Answers {entry, explained}: `explained` settles when the heatmaps are stored (or failed).
async function predictAndRecord(entryOf, predict, explain) {
  const result = await predict();
  const entry = entryOf(result);
  await dropExplanation(entry.key);
  await rememberEntry(entry);
  return { entry, explained: explainInBackground(entry, explain) };
}

export async function analyseUrl(api, request, sender, report) {
  const { bytes, contentType } = await downloadVideo(request.url, (f) => report(Stage.DOWNLOADING, f * SERVER_STAGE_PROGRESS));
  report(Stage.ANALYSING, SERVER_STAGE_PROGRESS);
  const model = await servedModel(api);
  return predictAndRecord(
    (result) => newEntry(request, sender, EntrySource.DOWNLOAD, result, model),
    () => api.predictBytes(bytes, contentType, request.coverage),
    () => api.explainBytes(bytes, contentType),
  );
}

export async function analyseFrames(api, request, sender, report) {
  report(Stage.ANALYSING, SERVER_STAGE_PROGRESS);
  const model = await servedModel(api);
  return predictAndRecord(
    (result) => newEntry(request, sender, EntrySource.FRAMES, result, model),
    () => api.predictFrames(request.frames, request.fps),
    () => api.explainFrames(request.frames, request.fps),
  );
}
