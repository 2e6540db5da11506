// User settings: defaults and validation. Pure.

export const DEFAULT_SETTINGS = Object.freeze({
  proxyUrl: "http://127.0.0.1:8000",
  // Off by default: nothing leaves the browser until the user clicks a badge.
  autoAnalyse: false,
});

// The proxy's base URL from user input: http(s) only, no credentials, query or fragment;
// a trailing slash removed so that `${base}/api/...` is always well formed.
export function normaliseProxyUrl(input) {
  let url;
  try {
    url = new URL(String(input).trim());
  } catch {
    throw new TypeError(`Not a URL: "${input}". Example: ${DEFAULT_SETTINGS.proxyUrl}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`The proxy URL must start with http:// or https://, got ${url.protocol}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError("The proxy URL must not carry credentials, a query or a fragment.");
  }
  return url.href.replace(/\/+$/, "");
}

// Stored settings completed with defaults; invalid stored values fall back to the default.
export function withDefaults(stored = {}) {
  let proxyUrl = DEFAULT_SETTINGS.proxyUrl;
  try {
    if (stored.proxyUrl) proxyUrl = normaliseProxyUrl(stored.proxyUrl);
  } catch {
    // keep the default: a broken stored value must not break the extension
  }
  return { proxyUrl, autoAnalyse: stored.autoAnalyse === true };
}

export function apiUrl(proxyUrl, path) {
  return `${proxyUrl}/api/${path}`;
}
