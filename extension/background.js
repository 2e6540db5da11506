// Service worker: answers the content script and the pages, talks to the proxy.

import { createApiClient } from "./lib/api-client.js";
import { healthError } from "./lib/health.js";
import { createRouter, MessageType } from "./lib/messages.js";
import { cacheKey } from "./lib/result-cache.js";
import { loadSettings } from "./common/settings-store.js";
import { selectEntry, clearHistory } from "./common/history-store.js";
import { analyseUrl, analyseFrames, cachedResult } from "./worker/analysis.js";
import { keepAliveUntil } from "./worker/keep-alive.js";
import { requestHostAccess, watchHostAccess } from "./worker/host-access.js";
import { installContextMenu, onMenuClick } from "./worker/context-menu.js";
import { createTimedCache } from "./lib/timed-cache.js";
import { AnalysisError, ErrorCode } from "./lib/errors.js";

async function currentApi() {
  return createApiClient((await loadSettings()).proxyUrl);
}

const healthAnswers = createTimedCache(5000);

async function checkHealth(api) {
  const answer = await healthAnswers.get(api.proxyUrl, () => api.health());
  return { ...answer, proxyUrl: api.proxyUrl };
}

// Sends analysis progress to the frame whose video is being analysed.
function progressReporter(request, sender) {
  let lastPercent = -1;
  return (stage, fraction) => {
    const percent = Math.round(fraction * 100);
    if (percent === lastPercent || !sender.tab) return;
    lastPercent = percent;
    const message = { type: MessageType.PROGRESS, videoId: request.videoId, stage, fraction };
    chrome.tabs.sendMessage(sender.tab.id, message, { frameId: sender.frameId }).catch(() => {});
  };
}

// Nothing is downloaded or captured for a server that cannot answer.
async function requireReadyServer(api) {
  const problem = healthError(await checkHealth(api));
  if (problem) throw problem;
}

// Runs one analysis; the worker stays alive until its heatmaps are stored too.
async function analyse(request, sender, run) {
  const api = await currentApi();
  const cached = await cachedResult(api, request.url, request.coverage);
  if (cached) return { entry: cached, cached: true };
  await requireReadyServer(api);
  const { entry, explained } = await keepAliveUntil(run(api, request, sender, progressReporter(request, sender)));
  keepAliveUntil(explained).catch(() => {}); // a failure is recorded on the entry already
  healthAnswers.forget();
  return { entry, cached: false };
}

// Opens the side panel on the entry of `url`. The panel must be opened before any await:
// Chrome only allows it while the user's click is being handled.
function showResult(request, sender) {
  const opening = sender.tab ? chrome.sidePanel.open({ tabId: sender.tab.id }) : Promise.resolve();
  const key = cacheKey(request.url) ?? request.url;
  return Promise.all([
    opening.then(() => true, () => false),
    selectEntry(key),
  ]).then(([opened]) => ({ opened }));
}

// Only the extension's own pages may clear; a content script runs beside pages it does not control.
function clearHistoryFor(request, sender) {
  if (!sender.url?.startsWith(chrome.runtime.getURL(""))) {
    throw new AnalysisError(ErrorCode.BAD_MESSAGE, "Only the extension's own pages may clear the history.");
  }
  return clearHistory();
}

const route = createRouter({
  [MessageType.ANALYSE_URL]: (request, sender) => analyse(request, sender, analyseUrl),
  [MessageType.ANALYSE_FRAMES]: (request, sender) => analyse(request, sender, analyseFrames),
  [MessageType.LOOKUP]: async (request) => cachedResult(await currentApi(), request.url),
  [MessageType.HEALTH]: async () => checkHealth(await currentApi()),
  [MessageType.SHOW_RESULT]: showResult,
  // Called at once (no await first): Chrome shows its dialog only during the click that sent this.
  [MessageType.REQUEST_ACCESS]: (request) => requestHostAccess(request.url),
  // The history's read-modify-write queue lives in each page's copy of history-store.js: the
  // pages ask the worker to clear, so a clear and an analysis that is finishing queue up in one
  // place and the cleared entries cannot come back.
  [MessageType.CLEAR_HISTORY]: clearHistoryFor,
});

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (message?.type === MessageType.PROGRESS) return false;
  route(message, sender).then(sendResponse);
  return true;
});

function openPanelFromToolbar() {
  chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => {});
}

const analyseForMenu = (request, sender) => analyse(request, sender, analyseUrl);
const checkFromMenu = (info, tab) => onMenuClick(info, tab, analyseForMenu);

chrome.runtime.onInstalled.addListener(() => {
  openPanelFromToolbar();
  installContextMenu();
});
chrome.runtime.onStartup.addListener(openPanelFromToolbar);
chrome.contextMenus.onClicked.addListener(checkFromMenu);
watchHostAccess();
// A context-menu click is native browser UI that automation cannot make: tests (and anyone in
// the worker's DevTools console) run the very handler the menu runs.
globalThis.checkVideoFromContextMenu = checkFromMenu;
