// Renders one analysed video in the side panel: verdict, figures, score chart, heatmaps.

import { verdictOf, percent } from "../lib/badge-state.js";
import { chartGeometry, CHART_SIZE } from "../lib/score-chart.js";
import { ExplanationState } from "../lib/explanation.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const SOURCE_NAMES = { download: "the video file", frames: "16 frames captured in the page" };

const byId = (id) => document.getElementById(id);

function svgElement(name, attributes, text) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function modelText(model = {}) {
  const parts = [model.name, model.version && `v${model.version}`, model.arch && `(${model.arch})`];
  return parts.filter(Boolean).join(" ") || "unknown";
}

function renderFacts(entry) {
  const { result } = entry;
  const threshold = result.threshold ?? 0.5;
  const verdict = verdictOf(result.probability, threshold);
  byId("verdict").textContent = verdict;
  byId("verdict").dataset.verdict = verdict;
  byId("probability").textContent = `P(fake) ${percent(result.probability)}`;
  byId("probability").dataset.probability = String(result.probability);
  byId("confidence").textContent = `${percent(result.confidence)} (model label: ${result.label})`;
  byId("threshold").textContent = String(threshold);
  byId("model").textContent = modelText(result.model);
  byId("source").textContent = SOURCE_NAMES[entry.source] ?? entry.source;
  byId("video-url").textContent = entry.url;
  byId("page-url").textContent = entry.pageTitle ? `${entry.pageTitle} (${entry.pageUrl})` : entry.pageUrl ?? "";
  byId("analysed-at").textContent = new Date(entry.analysedAt).toLocaleString();
}

function timeLabel(point, usesTime) {
  return usesTime ? `${point.time.toFixed(1)} s` : `frame ${point.time}`;
}

function renderChart(entry) {
  const { result } = entry;
  const chart = byId("chart");
  const { width, height, padding } = CHART_SIZE;
  chart.setAttribute("viewBox", `0 0 ${width} ${height}`);
  chart.replaceChildren();
  const scores = result.frames?.scores;
  if (!Array.isArray(scores) || scores.length === 0) {
    chart.append(svgElement("text", { x: padding, y: height / 2 }, "No per-frame scores in this answer."));
    return;
  }
  const times = entry.captureTimes ?? result.frames.timestamps_s;
  const geometry = chartGeometry(scores, times, result.threshold ?? 0.5);
  chart.append(
    svgElement("line", { class: "axis", x1: padding, y1: height - padding, x2: width - padding, y2: height - padding }),
    svgElement("line", { class: "threshold-line", x1: padding, y1: geometry.thresholdY, x2: width - padding, y2: geometry.thresholdY }),
    svgElement("text", { x: 2, y: padding + 4 }, "1"),
    svgElement("text", { x: 2, y: height - padding + 4 }, "0"),
    svgElement("text", { x: padding, y: height - 6 }, timeLabel(geometry.points[0], geometry.usesTime)),
    svgElement("text", { x: width - padding, y: height - 6, "text-anchor": "end" }, timeLabel(geometry.points.at(-1), geometry.usesTime)),
    svgElement("path", { class: "score-line", d: geometry.path }),
  );
  for (const point of geometry.points) {
    const dot = svgElement("circle", { class: "score-point", cx: point.x, cy: point.y, r: 2.5 });
    dot.append(svgElement("title", {}, `${timeLabel(point, geometry.usesTime)}: ${point.score.toFixed(3)}`));
    chart.append(dot);
  }
}

// Frames captured in the page carry their exact capture times; the API only knew their rate.
function heatmapFigure(overlay, captureTimes) {
  const figure = document.createElement("figure");
  const image = document.createElement("img");
  image.src = overlay.src;
  image.alt = `Grad-CAM overlay of frame ${overlay.index}`;
  const caption = document.createElement("figcaption");
  const seconds = captureTimes?.[overlay.index] ?? overlay.timestamp_s;
  const time = seconds === null ? `frame ${overlay.index}` : `${Number(seconds).toFixed(2)} s`;
  caption.textContent = overlay.score === null ? time : `${time} · score ${Number(overlay.score).toFixed(2)}`;
  figure.append(image, caption);
  return figure;
}

const HEATMAP_STATUS = {
  [ExplanationState.PENDING]: "Computing heatmaps…",
  [ExplanationState.READY]: "Warmer regions drove the model's decision most.",
};

function renderHeatmaps(entry, explanation) {
  const overlays = explanation?.overlays ?? [];
  byId("heatmaps").replaceChildren(...overlays.map((overlay) => heatmapFigure(overlay, entry.captureTimes)));
  let status = HEATMAP_STATUS[entry.explanation] ?? "";
  if (entry.explanation === ExplanationState.FAILED) status = `Heatmaps unavailable: ${entry.explanationError}`;
  if (entry.explanation === ExplanationState.READY && overlays.length === 0) status = "The server sent no heatmaps for this video.";
  byId("heatmap-status").textContent = status;
  byId("heatmaps").dataset.count = String(overlays.length);
}

export function renderResult(entry, explanation) {
  byId("result").hidden = !entry;
  byId("empty").hidden = Boolean(entry);
  if (!entry) return;
  renderFacts(entry);
  renderChart(entry);
  renderHeatmaps(entry, explanation);
}
