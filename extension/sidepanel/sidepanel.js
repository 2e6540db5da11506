// Side panel: the selected (or latest) analysis with its evidence, and the history.

import { selectedEntry } from "../lib/result-cache.js";
import { loadHistory, loadExplanation, loadSelectedKey, selectEntry, clearHistory } from "../common/history-store.js";
import { refreshHealthDot } from "../common/health-dot.js";
import { renderResult } from "./result-view.js";
import { renderHistory } from "./history-view.js";

const HEALTH_REFRESH_MS = 10000;

let renderCount = 0;

async function render() {
  const thisRender = ++renderCount;
  const [history, selectedKey] = await Promise.all([loadHistory(), loadSelectedKey()]);
  const entry = selectedEntry(history, selectedKey);
  const explanation = entry ? await loadExplanation(entry.key) : null;
  if (thisRender !== renderCount) return; // a newer render is under way: never draw stale data
  renderResult(entry, explanation);
  renderHistory(history, entry?.key, selectEntry);
}

document.getElementById("clear-history").addEventListener("click", () => clearHistory());

// Storage is the single source of truth: the worker writes, the panel redraws.
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "local") render();
});

const healthDot = document.getElementById("health");
setInterval(() => refreshHealthDot(healthDot), HEALTH_REFRESH_MS);
refreshHealthDot(healthDot);
render();
