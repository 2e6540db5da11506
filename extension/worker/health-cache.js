// The proxy's health, remembered for a few seconds: every tab asks on load, and a page full
// of frames must not turn into a burst of requests.

const FRESH_MS = 5000;

export function createHealthCache() {
  let last = null;
  return {
    async check(api) {
      const now = Date.now();
      if (last && last.proxyUrl === api.proxyUrl && now - last.at < FRESH_MS) return last.value;
      const value = { ...(await api.health()), proxyUrl: api.proxyUrl };
      last = { proxyUrl: api.proxyUrl, at: now, value };
      return value;
    },
    forget() {
      last = null;
    },
  };
}
