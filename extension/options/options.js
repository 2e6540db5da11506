// Settings page: proxy URL, auto-analysis, the sites videos may be downloaded from (and
// revoking them), clearing the history; a health dot for the proxy.

import { loadSettings, saveSettings } from "../common/settings-store.js";
import { loadHistory } from "../common/history-store.js";
import { refreshHealthDot } from "../common/health-dot.js";
import { isReady } from "../lib/health.js";
import { grantedSites } from "../lib/host-access.js";
import { MessageType, unwrap } from "../lib/messages.js";

const byId = (id) => document.getElementById(id);

function showStatus(text, kind) {
  byId("proxy-status").textContent = text;
  byId("proxy-status").dataset.kind = kind;
}

async function showHistoryCount() {
  const count = (await loadHistory()).length;
  byId("history-count").textContent = count === 1 ? "1 analysed video." : `${count} analysed videos.`;
  byId("clear-history").disabled = count === 0;
}

async function onSaveProxy(event) {
  event.preventDefault();
  try {
    const saved = await saveSettings({ proxyUrl: byId("proxy-url").value });
    byId("proxy-url").value = saved.proxyUrl;
    const health = await refreshHealthDot(byId("health"));
    showStatus(isReady(health) ? "Saved. The proxy is ready." : `Saved, but: ${health.reason}`, "ok");
  } catch (error) {
    showStatus(error.message, "error");
  }
}

const siteAccessPage = () => chrome.tabs.create({ url: `chrome://extensions/?id=${chrome.runtime.id}` });

// Chrome refuses to remove a site covered by the content script's <all_urls> match (it keeps
// it in the extension's site access): the person removes it on chrome://extensions then.
async function revoke(site) {
  try {
    await chrome.permissions.remove({ origins: [site.pattern] });
    byId("sites-status").textContent = `Revoked ${site.label}.`;
  } catch {
    byId("sites-status").textContent =
      `Chrome keeps ${site.label} in the extension's site access: remove it on the page just opened ` +
      "(Site access, the site's menu, Remove).";
    await siteAccessPage();
  }
}

function siteItem(site, required) {
  const li = document.createElement("li");
  li.textContent = site.label;
  if (required.has(site.pattern)) {
    li.append(" (your local proxy)");
    return li;
  }
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Revoke";
  button.setAttribute("aria-label", `Revoke ${site.label}`);
  button.addEventListener("click", () => revoke(site));
  li.append(button);
  return li;
}

async function showSites() {
  const { all, sites } = grantedSites((await chrome.permissions.getAll()).origins);
  const required = new Set(chrome.runtime.getManifest().host_permissions ?? []);
  byId("all-sites").hidden = !all;
  byId("granted-sites").replaceChildren(...sites.map((site) => siteItem(site, required)));
  byId("no-sites").hidden = all || sites.some((site) => !required.has(site.pattern));
}

// The worker clears (it is the history's one writer: extension/background.js).
async function onClearHistory() {
  byId("history-status").textContent = "";
  try {
    unwrap(await chrome.runtime.sendMessage({ type: MessageType.CLEAR_HISTORY }));
  } catch (error) {
    byId("history-status").textContent = `Could not clear the history: ${error.message}`;
  }
  await showHistoryCount();
}

async function start() {
  const settings = await loadSettings();
  byId("proxy-url").value = settings.proxyUrl;
  byId("auto-analyse").checked = settings.autoAnalyse;
  byId("proxy-form").addEventListener("submit", onSaveProxy);
  byId("auto-analyse").addEventListener("change", (event) => saveSettings({ autoAnalyse: event.target.checked }));
  byId("clear-history").addEventListener("click", onClearHistory);
  byId("open-site-access").addEventListener("click", siteAccessPage);
  chrome.permissions.onAdded.addListener(showSites);
  chrome.permissions.onRemoved.addListener(showSites);
  await Promise.all([showHistoryCount(), showSites()]);
  await refreshHealthDot(byId("health"));
}

start();
