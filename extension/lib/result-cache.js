// History of analysed videos, cached by URL. Pure: works on plain arrays; storage is the caller's job.

export const HISTORY_LIMIT = 50;

// Where an entry's pixels came from: the video file the worker downloaded, or frames the page captured.
export const EntrySource = Object.freeze({ DOWNLOAD: "download", FRAMES: "frames" });
// Heatmap overlays are large (a PNG per frame): keep them only for the most recent analyses.
export const EXPLANATION_LIMIT = 5;

// The cache key of a video URL: http(s) without the fragment (it never changes the bytes);
// blob: URLs as they are (valid for the page's lifetime only). Anything else is not cacheable.
export function cacheKey(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol === "blob:") return url;
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  parsed.hash = "";
  return parsed.href;
}

export function explanationStorageKey(key) {
  return `explanation:${key}`;
}

// A cached entry for `key`; with `modelVersion`, only one made by that model version.
export function lookup(history, key, modelVersion = null) {
  if (!key) return null;
  const entry = history.find((item) => item.key === key);
  if (!entry) return null;
  if (modelVersion !== null && entry.result?.model?.version !== modelVersion) return null;
  return entry;
}

// A new history with `entry` first, an older entry of the same key dropped, at most `limit` long.
export function remember(history, entry, limit = HISTORY_LIMIT) {
  return [entry, ...history.filter((item) => item.key !== entry.key)].slice(0, limit);
}

// A new history where the entry of `key` has `changes` merged in (unchanged when absent).
export function updateEntry(history, key, changes) {
  return history.map((item) => (item.key === key ? { ...item, ...changes } : item));
}

// Storage keys of explanations no longer worth keeping: for entries past the first `limit`
// ones, or for entries that left the history altogether.
export function staleExplanationKeys(history, storedKeys, limit = EXPLANATION_LIMIT) {
  const kept = new Set(history.slice(0, limit).map((item) => explanationStorageKey(item.key)));
  return storedKeys.filter((key) => key.startsWith("explanation:") && !kept.has(key));
}

// The history entry to show: the selected one if still present, else the newest.
export function selectedEntry(history, selectedKey) {
  return history.find((item) => item.key === selectedKey) ?? history[0] ?? null;
}
