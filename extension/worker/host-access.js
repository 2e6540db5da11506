// Host access to a video's origin: whether the extension has it, and asking Chrome for it.

import { coversUrl, originPattern } from "../lib/host-access.js";

// The granted origins, kept in memory so that a click handler can tell without an await
// whether to ask Chrome at all: with the default site access, asking for an origin the content
// script's match already covers would still show Chrome's dialog (measured in Chromium 156).
let grantedOrigins = null;

function refreshGrantedOrigins() {
  chrome.permissions.getAll().then(({ origins }) => {
    grantedOrigins = origins ?? [];
  });
}

export function watchHostAccess() {
  refreshGrantedOrigins();
  chrome.permissions.onAdded.addListener(refreshGrantedOrigins);
  chrome.permissions.onRemoved.addListener(refreshGrantedOrigins);
}

export async function hasHostAccess(url) {
  const { origins } = await chrome.permissions.getAll();
  return coversUrl(origins, url);
}

// Settles with {granted: true} once `url`'s origin is granted some other way meanwhile (the
// person used Chrome's extensions menu instead of the dialog); `stop()` forgets it.
function grantedElsewhere(url) {
  let listener;
  const promise = new Promise((resolve) => {
    listener = (added) => coversUrl(added.origins, url) && resolve({ granted: true, asked: true, reason: null });
    chrome.permissions.onAdded.addListener(listener);
  });
  return { promise, stop: () => chrome.permissions.onAdded.removeListener(listener) };
}

function askChrome(pattern) {
  try {
    return chrome.permissions.request({ origins: [pattern] });
  } catch (error) {
    return Promise.reject(error);
  }
}

// Asks Chrome to grant `url`'s origin: {granted, asked, reason}. `asked` is false when Chrome
// showed nothing (no user gesture, not a web address, the origins not known yet). Call it before
// any await in the handler of a click, or of a message sent from one: Chrome only shows its
// dialog while that click is being handled.
export function requestHostAccess(url) {
  const pattern = originPattern(url);
  if (!pattern) return Promise.resolve({ granted: false, asked: false, reason: `Not a web address: ${url}` });
  if (grantedOrigins === null) {
    return Promise.resolve({ granted: false, asked: false, reason: "The extension's site access is not known yet." });
  }
  if (coversUrl(grantedOrigins, url)) return Promise.resolve({ granted: true, asked: false, reason: null });
  const elsewhere = grantedElsewhere(url);
  const asked = askChrome(pattern).then(
    (granted) => ({ granted, asked: true, reason: granted ? null : "declined" }),
    (error) => ({ granted: false, asked: false, reason: error?.message || String(error) }),
  );
  return Promise.race([asked, elsewhere.promise]).finally(elsewhere.stop);
}
