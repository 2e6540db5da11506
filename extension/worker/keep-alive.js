// Keeps the MV3 service worker alive while a long request is in flight: Chrome stops an idle
// worker after 30 s, and each extension API call resets that timer.

const PING_INTERVAL_MS = 20000;

export function keepAliveUntil(promise) {
  const timer = setInterval(() => chrome.runtime.getPlatformInfo(), PING_INTERVAL_MS);
  return promise.finally(() => clearInterval(timer));
}
