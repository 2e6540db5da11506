// The health dot of the pages: green when the model is ready, amber when the proxy answers but
// the model server does not, grey when the proxy cannot be reached.

import { MessageType, unwrap } from "../lib/messages.js";
import { healthLabel, offlineAnswer } from "../lib/health.js";

export function renderHealth(element, answer) {
  element.dataset.health = answer.status;
  const label = healthLabel(answer.status);
  element.title = answer.reason ? `${label}: ${answer.reason}` : `${label} (${answer.proxyUrl})`;
  element.querySelector(".health-text").textContent = label;
}

export async function refreshHealthDot(element) {
  let answer;
  try {
    answer = unwrap(await chrome.runtime.sendMessage({ type: MessageType.HEALTH }));
  } catch (error) {
    answer = { ...offlineAnswer(error.message), proxyUrl: "" };
  }
  renderHealth(element, answer);
  return answer;
}
