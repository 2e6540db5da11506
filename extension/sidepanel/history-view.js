// Renders the history list of the side panel; choosing an entry (click, Enter or Space) selects it.

import { verdictOf, verdictText } from "../lib/answer-view.js";
import { videoName } from "../lib/video-name.js";
import { redrawKeepingFocus } from "../common/keep-focus.js";

function label(entry) {
  return verdictText(verdictOf(entry.result), entry.result.probability);
}

function item(entry, selectedKey, onSelect) {
  const li = document.createElement("li");
  li.dataset.key = entry.key;
  li.setAttribute("aria-current", String(entry.key === selectedKey));
  const button = document.createElement("button");
  button.type = "button";
  button.dataset.key = entry.key;
  const title = document.createElement("span");
  title.className = "title";
  title.textContent = videoName(entry.url);
  const verdict = document.createElement("span");
  verdict.className = "muted";
  verdict.textContent = ` — ${label(entry)}, ${new Date(entry.analysedAt).toLocaleTimeString()}`;
  button.title = `${entry.url}\non ${entry.pageTitle || entry.pageUrl || "an unknown page"}`;
  button.append(title, verdict);
  button.addEventListener("click", () => onSelect(entry.key));
  li.append(button);
  return li;
}

export function renderHistory(history, selectedKey, onSelect) {
  const list = document.getElementById("history");
  redrawKeepingFocus(list, "key", () => list.replaceChildren(...history.map((entry) => item(entry, selectedKey, onSelect))));
  document.getElementById("clear-history").disabled = history.length === 0;
}
