// Seeks an analysed video, in the tab that shows it, to an instant (a segment of the timeline).

import { MessageType } from "../lib/messages.js";

// The tabs to try: those showing the entry's page (the extension sees the URLs of pages it has
// access to), the active one of the focused window first.
async function tabsShowing(pageUrl) {
  const tabs = await chrome.tabs.query({});
  const showing = tabs.filter((tab) => tab.url === pageUrl);
  return showing.sort((a, b) => Number(b.active) - Number(a.active));
}

// True when a frame of a tab had the video and moved it to `seconds`.
export async function seekVideo(entry, seconds) {
  const message = { type: MessageType.SEEK_VIDEO, url: entry.url, time: seconds };
  for (const tab of await tabsShowing(entry.pageUrl)) {
    const moved = await chrome.tabs.sendMessage(tab.id, message).catch(() => false);
    if (moved === true) return true;
  }
  return false;
}
