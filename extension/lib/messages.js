// Messages between the content script, the side panel and the service worker. Pure.

import { AnalysisError, ErrorCode, errorPayload } from "./errors.js";

export const MessageType = Object.freeze({
  ANALYSE_URL: "analyse-url",
  ANALYSE_FRAMES: "analyse-frames",
  LOOKUP: "lookup",
  HEALTH: "health",
  SHOW_RESULT: "show-result",
  PROGRESS: "progress",
  REQUEST_ACCESS: "request-access", // content script -> worker: ask Chrome for a video's origin
  CHECK_VIDEO: "check-video", // worker -> content script: the context menu asked for this video
  SEEK_VIDEO: "seek-video", // side panel -> content script: show this instant of the video
  CLEAR_HISTORY: "clear-history", // side panel, options -> worker: the one writer of the history
});

const isString = (value) => typeof value === "string" && value.length > 0;
const isHttpUrl = (value) => isString(value) && /^https?:\/\//i.test(value);

// Required fields of each request type, with the check each must pass. (ANALYSE_URL may add
// `coverage: "full"`, a whole-video check asked from the side panel.)
const SCHEMAS = {
  [MessageType.ANALYSE_URL]: { url: isHttpUrl, videoId: isString },
  [MessageType.ANALYSE_FRAMES]: {
    url: isString,
    videoId: isString,
    frames: (value) => Array.isArray(value) && value.length > 0 && value.every(isString),
  },
  [MessageType.LOOKUP]: { url: isString },
  [MessageType.HEALTH]: {},
  [MessageType.SHOW_RESULT]: { url: isString },
  [MessageType.REQUEST_ACCESS]: { url: isHttpUrl },
  [MessageType.CHECK_VIDEO]: { url: isString },
  [MessageType.SEEK_VIDEO]: { url: isString, time: (value) => Number.isFinite(value) && value >= 0 },
  [MessageType.CLEAR_HISTORY]: {},
};

export function validateMessage(message) {
  if (!message || typeof message !== "object") return "Message must be an object.";
  const schema = SCHEMAS[message.type];
  if (!schema) return `Unknown message type: ${message.type}.`;
  const bad = Object.entries(schema).find(([field, check]) => !check(message[field]));
  return bad ? `Message ${message.type} has a missing or invalid field: ${bad[0]}.` : null;
}

export function success(value) {
  return { ok: true, value };
}

export function failure(error) {
  return { ok: false, error: errorPayload(error) };
}

// A dispatcher from message type to async handler. It never throws: every outcome is a
// `{ok, value}` or `{ok: false, error: {code, message}}` answer the sender can rely on.
export function createRouter(handlers) {
  return async function route(message, sender) {
    const problem = validateMessage(message);
    if (problem) return failure(new AnalysisError(ErrorCode.BAD_MESSAGE, problem));
    const handler = handlers[message.type];
    if (!handler) return failure(new AnalysisError(ErrorCode.BAD_MESSAGE, `No handler for ${message.type}.`));
    try {
      return success(await handler(message, sender));
    } catch (error) {
      return failure(error);
    }
  };
}

// The value of a router answer, or the AnalysisError it carries.
export function unwrap(answer) {
  if (!answer) throw new AnalysisError(ErrorCode.NO_ANSWER, "The extension's service worker did not answer.");
  if (!answer.ok) throw new AnalysisError(answer.error.code, answer.error.message);
  return answer.value;
}
