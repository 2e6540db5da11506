// Which video URLs the extension's host access covers, in Chrome's match-pattern terms. Pure:
// the worker feeds it chrome.permissions.getAll().origins.
//
// Chrome counts the content script's "<all_urls>" match as host access, so with the default
// site access ("On all sites") every origin is covered. When a person restricts the extension
// to some sites, a video from any other origin is not: its download needs a grant of that origin.

const ALL_URLS = "<all_urls>";
const PATTERN = /^(\*|https?|file|ftp|wss?):\/\/(\*|\*\.[^/:*]+|[^/:*]+)?(?::(\d+|\*))?(\/.*)$/;

// The pattern that grants exactly `url`'s origin ("http://127.0.0.2:8000/*"), or null when the
// URL is not http(s).
export function originPattern(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  return `${parsed.origin}/*`;
}

// `url`'s origin as people read it, or the URL itself when it has none.
export function originOf(url) {
  try {
    const { origin } = new URL(url);
    return origin === "null" ? url : origin;
  } catch {
    return url;
  }
}

function parsePattern(pattern) {
  if (pattern === ALL_URLS) return { scheme: "*", host: "*", port: "*", path: "/*", all: true };
  const match = PATTERN.exec(pattern);
  if (!match) return null;
  const [, scheme, host = "", port = "*", path] = match;
  return { scheme, host, port, path, all: false };
}

function globMatches(glob, text) {
  const source = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${source}$`).test(text);
}

function hostMatches(patternHost, host) {
  if (patternHost === "*") return true;
  if (patternHost.startsWith("*.")) {
    const domain = patternHost.slice(2);
    return host === domain || host.endsWith(`.${domain}`);
  }
  return patternHost === host;
}

// Does match pattern `pattern` cover `url`? (Chrome's rules: "*" scheme means http or https;
// a pattern without a port matches any port.)
export function patternMatches(pattern, url) {
  const parsed = parsePattern(pattern);
  if (!parsed) return false;
  let target;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  const scheme = target.protocol.slice(0, -1);
  if (parsed.all) return ["http", "https", "file", "ftp", "ws", "wss"].includes(scheme);
  if (parsed.scheme === "*" ? !["http", "https"].includes(scheme) : parsed.scheme !== scheme) return false;
  if (!hostMatches(parsed.host, target.hostname.replace(/^\[|\]$/g, ""))) return false;
  const port = target.port || (scheme === "https" ? "443" : scheme === "http" ? "80" : "");
  if (parsed.port !== "*" && parsed.port !== port) return false;
  return globMatches(parsed.path, target.pathname + target.search);
}

export function coversUrl(patterns, url) {
  return Array.isArray(patterns) && patterns.some((pattern) => patternMatches(pattern, url));
}

// The granted origins as the options page lists them: "all sites" first, then each site.
export function grantedSites(patterns) {
  const list = Array.isArray(patterns) ? patterns : [];
  const all = list.some((pattern) => pattern === ALL_URLS || /^\*:\/\/\*\/\*$/.test(pattern));
  const sites = list
    .filter((pattern) => pattern !== ALL_URLS && parsePattern(pattern) && !/^\*:\/\/\*\//.test(pattern))
    .map((pattern) => ({ pattern, label: pattern.replace(/\/\*$/, "") }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return { all, sites };
}
