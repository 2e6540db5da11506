// Renders the history list of the side panel; a click selects an entry.

import { verdictOf, percent } from "../lib/badge-state.js";
import { videoName } from "../lib/video-name.js";

function label(entry) {
  const { result } = entry;
  const verdict = verdictOf(result.probability, result.threshold ?? 0.5);
  return `${verdict} ${percent(result.probability)}`;
}

function item(entry, selectedKey, onSelect) {
  const li = document.createElement("li");
  li.dataset.key = entry.key;
  li.setAttribute("aria-current", String(entry.key === selectedKey));
  const title = document.createElement("span");
  title.className = "title";
  title.textContent = videoName(entry.url);
  const verdict = document.createElement("span");
  verdict.className = "muted";
  verdict.textContent = ` — ${label(entry)}, ${new Date(entry.analysedAt).toLocaleTimeString()}`;
  li.title = `${entry.url}\non ${entry.pageTitle || entry.pageUrl || "an unknown page"}`;
  li.append(title, verdict);
  li.addEventListener("click", () => onSelect(entry.key));
  return li;
}

export function renderHistory(history, selectedKey, onSelect) {
  const list = document.getElementById("history");
  list.replaceChildren(...history.map((entry) => item(entry, selectedKey, onSelect)));
  document.getElementById("clear-history").disabled = history.length === 0;
}
