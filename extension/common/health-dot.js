// The health dot of the pages: green when the model is ready, amber when the proxy answers but
// the model server does not, grey when the proxy cannot be reached.

import { MessageType, unwrap } from "../lib/messages.js";

const LABELS = { ready: "Ready", unavailable: "Model server unavailable", offline: "Proxy offline" };

export function renderHealth(element, answer) {
  element.dataset.health = answer.status;
  element.title = answer.reason ? `${LABELS[answer.status]}: ${answer.reason}` : `${LABELS[answer.status]} (${answer.proxyUrl})`;
  element.querySelector(".health-text").textContent = LABELS[answer.status];
}

export async function refreshHealthDot(element) {
  let answer;
  try {
    answer = unwrap(await chrome.runtime.sendMessage({ type: MessageType.HEALTH }));
  } catch (error) {
    answer = { status: "offline", reason: error.message, proxyUrl: "" };
  }
  renderHealth(element, answer);
  return answer;
}
