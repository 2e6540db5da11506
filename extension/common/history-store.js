// The history of analysed videos in chrome.storage.local: entries under "history", heatmap
// overlays under "explanation:<key>" (kept for the newest few only), the panel's choice
// under "selectedKey".

import {
  remember,
  updateEntry,
  staleExplanationKeys,
  explanationStorageKey,
  EXPLANATION_LIMIT,
} from "../lib/result-cache.js";

const storage = () => chrome.storage.local;

export async function loadHistory() {
  const { history } = await storage().get("history");
  return Array.isArray(history) ? history : [];
}

// Read-modify-write steps run one at a time, so two analyses finishing together both land.
let pending = Promise.resolve();

function changeHistory(change) {
  const step = pending.then(async () => {
    const next = change(await loadHistory());
    await storage().set({ history: next });
    await dropStaleExplanations(next);
    return next;
  });
  pending = step.catch(() => {});
  return step;
}

async function dropStaleExplanations(history) {
  const stored = Object.keys(await storage().get(null));
  const stale = staleExplanationKeys(history, stored, EXPLANATION_LIMIT);
  if (stale.length > 0) await storage().remove(stale);
}

export const rememberEntry = (entry) => changeHistory((history) => remember(history, entry));
export const updateHistoryEntry = (key, changes) => changeHistory((history) => updateEntry(history, key, changes));

export async function saveExplanation(key, explanation) {
  await storage().set({ [explanationStorageKey(key)]: explanation });
}

export async function loadExplanation(key) {
  const storageKey = explanationStorageKey(key);
  return (await storage().get(storageKey))[storageKey] ?? null;
}

export async function clearHistory() {
  await changeHistory(() => []);
  await storage().remove("selectedKey");
}

export async function selectEntry(key) {
  await storage().set({ selectedKey: key });
}

export async function loadSelectedKey() {
  return (await storage().get("selectedKey")).selectedKey ?? null;
}

export async function dropExplanation(key) {
  await storage().remove(explanationStorageKey(key));
}
