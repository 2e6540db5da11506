// HTTP client for the proxy's /api/* routes. Pure apart from the injected `fetch`.

import { AnalysisError, ErrorCode } from "./errors.js";
import { HealthStatus, healthOfFailure } from "./health.js";
import { apiUrl } from "./settings.js";
import { Verdict } from "./answer-view.js";

const TIMEOUT_MS = { health: 3000, model: 5000, analysis: 180000 };
const RETRY_AFTER_DEFAULT_S = 1;
const RETRY_AFTER_MAX_S = 10;

export { HealthStatus }; // where callers of the client have always found it

// How much of a video a prediction covers: the default 16 frames, or every segment of it.
export const Coverage = Object.freeze({ SAMPLED: "sampled", FULL: "full" });

// What an answer covers: a coverage answer says {mode: "full", window_s, ...}.
export function coverageOf(answer) {
  const coverage = answer?.coverage;
  return (typeof coverage === "object" ? coverage?.mode : coverage) === Coverage.FULL ? Coverage.FULL : Coverage.SAMPLED;
}

const predictPath = (coverage) => (coverage === Coverage.FULL ? "predict?coverage=full" : "predict");

// The error a non-2xx answer stands for: the proxy's `{error, code}` when it sent one.
export function errorFromAnswer(status, body) {
  const message = (body && typeof body.error === "string" && body.error) || `The proxy answered HTTP ${status}.`;
  if (status === 503) return new AnalysisError(ErrorCode.MODEL_UNAVAILABLE, `Model server unavailable: ${message}`);
  if (status === 413) return new AnalysisError(ErrorCode.TOO_LARGE, message);
  const code = (body && typeof body.code === "string" && body.code) || `http-${status}`;
  return new AnalysisError(code, message);
}

// How long to wait before sending an analysis once more, or null: only when the proxy says the
// worker analysing it died (503 worker_died; TorchServe restarts it, the request itself was fine).
export function retryDelayMs(status, body, retryAfter) {
  if (status !== 503 || body?.code !== "worker_died") return null;
  const seconds = Number.parseFloat(retryAfter);
  const wait = Number.isFinite(seconds) ? seconds : RETRY_AFTER_DEFAULT_S;
  return Math.min(Math.max(wait, 0), RETRY_AFTER_MAX_S) * 1000;
}

// A prediction answer checked for the fields the extension relies on.
export function checkPrediction(body) {
  const ok =
    body &&
    (body.label === Verdict.REAL || body.label === Verdict.FAKE) &&
    typeof body.probability === "number" &&
    typeof body.confidence === "number";
  if (!ok) throw new AnalysisError(ErrorCode.BAD_RESPONSE, "The proxy's answer lacks label, probability or confidence.");
  return body;
}

// Frames as the API takes them: bare base64 (the data: URL prefix removed), and the rate they
// were sampled at, so the answer's timestamps are in seconds. `fps` is optional.
export function framesBody(dataUrls, fps) {
  const body = { frames: dataUrls.map((item) => item.replace(/^data:[^,]*,/, "")) };
  if (Number.isFinite(fps) && fps > 0) body.fps = fps;
  return JSON.stringify(body);
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

const wait = (ms) => new Promise((done) => setTimeout(done, ms));

export function createApiClient(proxyUrl, fetchImpl = globalThis.fetch, sleep = wait) {
  async function call(path, init, timeoutMs, retries = 0) {
    let response;
    try {
      response = await fetchImpl(apiUrl(proxyUrl, path), { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      if (error?.name === "TimeoutError") {
        throw new AnalysisError(ErrorCode.TIMEOUT, `The proxy did not answer ${path} within ${timeoutMs / 1000} s.`);
      }
      throw new AnalysisError(ErrorCode.OFFLINE, `Cannot reach the proxy at ${proxyUrl}. Is it running?`);
    }
    const body = await readJson(response);
    const retryMs = retries > 0 ? retryDelayMs(response.status, body, response.headers?.get?.("retry-after")) : null;
    if (retryMs !== null) {
      await sleep(retryMs);
      return call(path, init, timeoutMs, retries - 1);
    }
    if (!response.ok) throw errorFromAnswer(response.status, body);
    if (body === null) throw new AnalysisError(ErrorCode.BAD_RESPONSE, `The proxy's answer to ${path} is not JSON.`);
    return body;
  }

  // Analyses are sent once more if their worker died under them (the body is a Blob or a string: re-sendable).
  const post = (path, body, contentType) =>
    call(path, { method: "POST", body, headers: { "Content-Type": contentType } }, TIMEOUT_MS.analysis, 1);

  return {
    proxyUrl,
    async health() {
      try {
        await call("health", {}, TIMEOUT_MS.health);
        return { status: HealthStatus.READY, reason: null };
      } catch (error) {
        return healthOfFailure(error);
      }
    },
    model: () => call("model", {}, TIMEOUT_MS.model),
    predictBytes: async (bytes, contentType, coverage = Coverage.SAMPLED) =>
      checkPrediction(await post(predictPath(coverage), bytes, contentType)),
    explainBytes: async (bytes, contentType) => checkPrediction(await post("explain", bytes, contentType)),
    predictFrames: async (frames, fps) => checkPrediction(await post("predict", framesBody(frames, fps), "application/json")),
    explainFrames: async (frames, fps) => checkPrediction(await post("explain", framesBody(frames, fps), "application/json")),
  };
}
