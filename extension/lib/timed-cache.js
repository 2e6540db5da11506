// One value remembered for a few seconds per key (the proxy URL): every tab asks on load, and a
// page full of videos and frames must not turn into a burst of identical requests.

// Pure: `now` (milliseconds) is injectable.
export function createTimedCache(freshMs, now = Date.now) {
  let last = null;
  return {
    // The remembered value for `key`, or `await compute()` (remembered unless it throws).
    async get(key, compute) {
      if (last && last.key === key && now() - last.at < freshMs) return last.value;
      const value = await compute();
      last = { key, at: now(), value };
      return value;
    },
    forget() {
      last = null;
    },
  };
}
