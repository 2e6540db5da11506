// Settings page: proxy URL, auto-analysis, clearing the history; a health dot for the proxy.

import { loadSettings, saveSettings } from "../common/settings-store.js";
import { loadHistory, clearHistory } from "../common/history-store.js";
import { refreshHealthDot } from "../common/health-dot.js";
import { isReady } from "../lib/health.js";

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

async function start() {
  const settings = await loadSettings();
  byId("proxy-url").value = settings.proxyUrl;
  byId("auto-analyse").checked = settings.autoAnalyse;
  byId("proxy-form").addEventListener("submit", onSaveProxy);
  byId("auto-analyse").addEventListener("change", (event) => saveSettings({ autoAnalyse: event.target.checked }));
  byId("clear-history").addEventListener("click", async () => {
    await clearHistory();
    await showHistoryCount();
  });
  await showHistoryCount();
  await refreshHealthDot(byId("health"));
}

start();
