// The one error type crossing the extension's boundaries: a stable `code` plus a human message.

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
  return { code: "internal", message: error?.message || String(error) };
}
