// The one error type crossing the extension's boundaries: a stable `code` plus a human message.

// Every code an AnalysisError carries; the badge, the content script and the pages act on them.
export const ErrorCode = Object.freeze({
  OFFLINE: "offline", // the proxy cannot be reached
  MODEL_UNAVAILABLE: "model-unavailable", // the proxy answers, the model server is not ready
  TIMEOUT: "timeout",
  BAD_RESPONSE: "bad-response",
  TOO_LARGE: "too-large",
  DOWNLOAD_REFUSED: "download-refused", // the video's server refused the worker's download
  PERMISSION_NEEDED: "permission-needed", // the extension has no host access to the video's origin
  PERMISSION_REFUSED: "permission-refused", // ... and the person declined to grant it
  TAINTED: "tainted", // cross-origin pixels the page may not read
  PROTECTED: "protected", // DRM
  CAPTURE_FAILED: "capture-failed",
  NO_DURATION: "no-duration",
  NO_VIDEO: "no-video", // a context-menu request for a video the page no longer shows
  BUSY: "busy", // the video is being analysed already
  EXTENSION_RELOADED: "extension-reloaded",
  NO_ANSWER: "no-answer",
  BAD_MESSAGE: "bad-message",
  INTERNAL: "internal",
});

export class AnalysisError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "AnalysisError";
    this.code = code;
  }
}

// A plain, message-safe form of any thrown value (extension messages carry JSON only).
export function errorPayload(error) {
  if (error instanceof AnalysisError) return { code: error.code, message: error.message };
  return { code: ErrorCode.INTERNAL, message: error?.message || String(error) };
}
