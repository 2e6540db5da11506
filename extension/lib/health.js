// What the proxy's health means for an analysis: the one mapping from a health answer to the
// error an analysis fails with, shared by the worker, the content script and the pages. Pure.

import { AnalysisError, ErrorCode } from "./errors.js";

export const HealthStatus = Object.freeze({ READY: "ready", UNAVAILABLE: "unavailable", OFFLINE: "offline" });

const LABELS = Object.freeze({
  [HealthStatus.READY]: "Ready",
  [HealthStatus.UNAVAILABLE]: "Model server unavailable",
  [HealthStatus.OFFLINE]: "Proxy offline",
});

export const isReady = (answer) => answer?.status === HealthStatus.READY;

export function healthLabel(status) {
  return LABELS[status] ?? LABELS[HealthStatus.OFFLINE];
}

// The health answer of a failed /api/health call: unreachable or silent proxies are offline,
// anything else (503, a bad answer) means the proxy is up but the model server is not.
export function healthOfFailure(error) {
  const unreachable = error?.code === ErrorCode.OFFLINE || error?.code === ErrorCode.TIMEOUT;
  return { status: unreachable ? HealthStatus.OFFLINE : HealthStatus.UNAVAILABLE, reason: error?.message ?? null };
}

// The answer to show when the worker itself cannot be asked.
export function offlineAnswer(reason) {
  return { status: HealthStatus.OFFLINE, reason };
}

// The error an analysis stops with before uploading anything, or null when the server is ready.
export function healthError(answer) {
  if (isReady(answer)) return null;
  const code = answer?.status === HealthStatus.UNAVAILABLE ? ErrorCode.MODEL_UNAVAILABLE : ErrorCode.OFFLINE;
  return new AnalysisError(code, answer?.reason || healthLabel(answer?.status));
}
