// Size-capped download of a video's bytes. Pure apart from the Response it is given.

import { AnalysisError, ErrorCode } from "./errors.js";

// Larger videos are analysed from frames captured in the page instead of being uploaded.
export const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;

export function isDownloadableUrl(url) {
  return /^https?:\/\//i.test(url);
}

function tooLarge(bytes, maxBytes) {
  const mb = (n) => (n / 1024 / 1024).toFixed(0);
  return new AnalysisError(ErrorCode.TOO_LARGE, `The video is larger than ${mb(maxBytes)} MB (${mb(bytes)}+ MB).`);
}

// The declared Content-Length, or null when absent or malformed.
export function declaredLength(headers) {
  const value = headers.get("content-length");
  if (value === null || !/^\d+$/.test(value)) return null;
  return Number(value);
}

// The content type to post the bytes with: the server's video/* type, else octet-stream.
export function uploadContentType(headers) {
  const type = (headers.get("content-type") || "").split(";")[0].trim().toLowerCase();
  return type.startsWith("video/") ? type : "application/octet-stream";
}

// All bytes of `response`, refusing (before or while reading) more than `maxBytes`.
// `onProgress(fraction)` is called as bytes arrive when the length is known.
export async function readCapped(response, maxBytes = MAX_DOWNLOAD_BYTES, onProgress = () => {}) {
  const total = declaredLength(response.headers);
  if (total !== null && total > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(total, maxBytes);
  }
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      throw tooLarge(received, maxBytes);
    }
    chunks.push(value);
    if (total) onProgress(Math.min(1, received / total));
  }
  return concatChunks(chunks, received);
}

function concatChunks(chunks, length) {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
