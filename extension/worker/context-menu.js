// The context menu on videos: "Check this video for deepfake manipulation" runs the badge's
// flow from the menu, and the side panel shows the result.

import { MessageType, unwrap } from "../lib/messages.js";
import { AnalysisError, ErrorCode, errorPayload } from "../lib/errors.js";
import { isDownloadableUrl } from "../lib/download.js";
import { cacheKey } from "../lib/result-cache.js";
import { selectEntry } from "../common/history-store.js";
import { saveMenuCheck, MenuCheckState } from "../common/menu-check-store.js";
import { requestHostAccess } from "./host-access.js";

export const MENU_ITEM_ID = "check-video";
export const MENU_TITLE = "Check this video for deepfake manipulation";

export function installContextMenu() {
  chrome.contextMenus.removeAll(() => {
    chrome.contextMenus.create({ id: MENU_ITEM_ID, title: MENU_TITLE, contexts: ["video"] });
  });
}

// The page's content script analyses the video, so its badge follows; frames without one (a
// page the extension may not read) leave the download to the worker: `analyseInWorker(request, sender)`.
async function analyseVideo(info, tab, access, analyseInWorker) {
  const frameId = info.frameId ?? 0;
  const message = { type: MessageType.CHECK_VIDEO, url: info.srcUrl, access };
  let answer;
  try {
    answer = await chrome.tabs.sendMessage(tab.id, message, { frameId });
  } catch {
    answer = null; // no content script in that frame
  }
  if (answer) return unwrap(answer);
  if (!isDownloadableUrl(info.srcUrl)) {
    throw new AnalysisError(ErrorCode.NO_VIDEO, "This video is only readable inside its page, and the extension may not read that page.");
  }
  const request = { url: info.srcUrl, videoId: "context-menu", pageUrl: info.pageUrl, pageTitle: tab.title };
  return (await analyseInWorker(request, { tab, frameId })).entry;
}

async function checkVideo(info, tab, asking, analyseInWorker) {
  await saveMenuCheck(info.srcUrl, MenuCheckState.RUNNING);
  try {
    const access = await asking;
    const entry = await analyseVideo(info, tab, access, analyseInWorker);
    await selectEntry(entry?.key ?? cacheKey(info.srcUrl) ?? info.srcUrl);
    await saveMenuCheck(info.srcUrl, MenuCheckState.DONE);
  } catch (error) {
    await saveMenuCheck(info.srcUrl, MenuCheckState.FAILED, errorPayload(error).message);
  }
}

// chrome.contextMenus.onClicked: opening the panel and asking for the video's origin both need
// the click's user gesture, so both happen before any await.
export function onMenuClick(info, tab, analyseInWorker) {
  if (info.menuItemId !== MENU_ITEM_ID || !tab || !info.srcUrl) return Promise.resolve();
  chrome.sidePanel.open({ tabId: tab.id }).catch(() => {}); // refused without a gesture (automation)
  const asking = isDownloadableUrl(info.srcUrl) ? requestHostAccess(info.srcUrl) : Promise.resolve(null);
  return checkVideo(info, tab, asking, analyseInWorker);
}
