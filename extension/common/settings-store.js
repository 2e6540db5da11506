// Settings in chrome.storage.local, shared by the worker, the content script and the pages.

import { withDefaults, normaliseProxyUrl } from "../lib/settings.js";

export async function loadSettings() {
  const { settings } = await chrome.storage.local.get("settings");
  return withDefaults(settings);
}

// Saves a partial change; throws a TypeError with a user-facing message for a bad proxy URL.
export async function saveSettings(changes) {
  const current = await loadSettings();
  const next = { ...current, ...changes };
  next.proxyUrl = normaliseProxyUrl(next.proxyUrl);
  await chrome.storage.local.set({ settings: next });
  return next;
}

// Calls `listener(settings)` whenever the settings change.
export function onSettingsChanged(listener) {
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && changes.settings) listener(withDefaults(changes.settings.newValue));
  });
}
