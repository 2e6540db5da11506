// Side panel: the selected (or latest) analysis with its evidence, and the history.

import { selectedEntry } from "../lib/result-cache.js";
import { loadHistory, loadExplanation, loadSelectedKey, selectEntry } from "../common/history-store.js";
import { refreshHealthDot } from "../common/health-dot.js";
import { renderResult } from "./result-view.js";
import { renderHistory } from "./history-view.js";
import { seekVideo } from "../common/seek-video.js";
import { loadMenuCheck, MenuCheckState } from "../common/menu-check-store.js";
import { videoName } from "../lib/video-name.js";
import { MessageType, unwrap } from "../lib/messages.js";
import { Coverage } from "../lib/api-client.js";

const HEALTH_REFRESH_MS = 10000;

let renderCount = 0;
let shownEntry = null;

// Re-analyses the shown (downloaded) video segment by segment; the new entry replaces the old one.
async function checkWholeVideo() {
  const entry = shownEntry;
  const status = document.getElementById("coverage-status");
  if (!entry) return;
  status.textContent = `Checking the whole of ${videoName(entry.url)}, segment by segment…`;
  const request = { type: MessageType.ANALYSE_URL, url: entry.url, videoId: "side-panel", coverage: Coverage.FULL };
  try {
    unwrap(await chrome.runtime.sendMessage({ ...request, pageUrl: entry.pageUrl, pageTitle: entry.pageTitle }));
    status.textContent = `Checked the whole of ${videoName(entry.url)}.`;
  } catch (error) {
    status.textContent = `Could not check the whole video: ${error.message}`;
  }
}

async function onSeek(entry, seconds) {
  const status = document.getElementById("seek-status");
  const moved = await seekVideo(entry, seconds);
  status.textContent = moved
    ? `The video now shows ${seconds.toFixed(1)} s.`
    : "The video is not open in a tab any more: open its page to seek it.";
}

const MENU_CHECK_TEXT = {
  [MenuCheckState.RUNNING]: (check) => `Checking ${videoName(check.url)}…`,
  [MenuCheckState.FAILED]: (check) => `Could not check ${videoName(check.url)}: ${check.message}`,
};

function renderMenuCheck(check) {
  const element = document.getElementById("menu-check");
  const text = check ? (MENU_CHECK_TEXT[check.state]?.(check) ?? "") : "";
  if (element.textContent !== text) element.textContent = text;
  element.dataset.state = check?.state ?? "";
}

async function render() {
  const thisRender = ++renderCount;
  const [history, selectedKey, menuCheck] = await Promise.all([loadHistory(), loadSelectedKey(), loadMenuCheck()]);
  const entry = selectedEntry(history, selectedKey);
  const explanation = entry ? await loadExplanation(entry.key) : null;
  if (thisRender !== renderCount) return; // a newer render is under way: never draw stale data
  shownEntry = entry;
  renderMenuCheck(menuCheck);
  renderResult(entry, explanation, onSeek);
  renderHistory(history, entry?.key, selectEntry);
}

async function clearAllHistory() {
  const status = document.getElementById("history-status");
  status.textContent = "";
  try {
    unwrap(await chrome.runtime.sendMessage({ type: MessageType.CLEAR_HISTORY }));
  } catch (error) {
    status.textContent = `Could not clear the history: ${error.message}`;
  }
}

document.getElementById("clear-history").addEventListener("click", clearAllHistory);
document.getElementById("whole-video").addEventListener("click", checkWholeVideo);

// Storage is the single source of truth: the worker writes, the panel redraws.
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "local") render();
});

const healthDot = document.getElementById("health");
setInterval(() => refreshHealthDot(healthDot), HEALTH_REFRESH_MS);
refreshHealthDot(healthDot);
render();
