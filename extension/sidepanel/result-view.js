// Renders one analysed video in the side panel: verdict, demo notice, Content Credentials,
// figures, segment timeline, score chart, heatmaps with face boxes.

import {
  verdictOf,
  percent,
  thresholdOf,
  verdictSentence,
  VERDICT_TITLES,
  demoNotice,
  operatingPointText,
  credentialsView,
  timelineOf,
  faceTracksOf,
  boxesAt,
} from "../lib/answer-view.js";
import { chartGeometry, CHART_SIZE } from "../lib/score-chart.js";
import { ExplanationState } from "../lib/explanation.js";
import { EntrySource } from "../lib/result-cache.js";
import { redrawKeepingFocus } from "../common/keep-focus.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const SOURCE_NAMES = { [EntrySource.DOWNLOAD]: "the video file", [EntrySource.FRAMES]: "16 frames captured in the page" };

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

// Live regions re-announce rewritten text: write only what changed.
function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

function showLine(element, text) {
  setText(element, text ?? "");
  element.hidden = !text;
}

function renderVerdict(entry) {
  const { result } = entry;
  const verdict = verdictOf(result);
  // Lower case as the API names it; the stylesheet capitalises the first letter.
  setText(byId("verdict"), VERDICT_TITLES[verdict].toLowerCase());
  byId("verdict").dataset.verdict = verdict;
  setText(byId("probability"), `P(fake) ${percent(result.probability)}`);
  byId("probability").dataset.probability = String(result.probability);
  setText(byId("verdict-detail"), verdictSentence(verdict));
  showLine(byId("demo-notice"), demoNotice(result));
  const credentials = credentialsView(result.provenance, { fromFrames: entry.source === EntrySource.FRAMES });
  showLine(byId("credentials"), credentials?.text);
  byId("credentials").dataset.kind = credentials?.kind ?? "";
}

function renderFacts(entry) {
  const { result } = entry;
  const threshold = thresholdOf(result);
  byId("confidence").textContent = `${percent(result.confidence)} (model label: ${result.label})`;
  byId("threshold").textContent = String(threshold);
  byId("operating-point").textContent = operatingPointText(entry.operatingPoint) ?? "not stated by this model";
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
  const geometry = chartGeometry(scores, times, thresholdOf(result));
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

// The boxes of the face tracks on one frame: fractions of the frame, so they scale with the picture.
function faceBox(box) {
  const element = document.createElement("div");
  element.className = "face-box";
  element.dataset.track = String(box.track);
  element.dataset.verdict = box.verdict;
  Object.assign(element.style, {
    left: `${100 * box.x}%`,
    top: `${100 * box.y}%`,
    width: `${100 * box.w}%`,
    height: `${100 * box.h}%`,
  });
  const label = document.createElement("span");
  label.textContent = box.label;
  element.append(label);
  return element;
}

// Half the smallest gap between the frames' times: a box belongs to the frame nearest to it.
function frameTolerance(times) {
  const sorted = times.filter(Number.isFinite).sort((a, b) => a - b);
  const gaps = sorted.slice(1).map((t, i) => t - sorted[i]).filter((gap) => gap > 0);
  return gaps.length ? Math.min(...gaps) / 2 : 0.5;
}

// Frames captured in the page carry their exact capture times; the API only knew their rate.
function heatmapFigure(overlay, captureTimes, boxes) {
  const figure = document.createElement("figure");
  const frame = document.createElement("div");
  frame.className = "frame";
  const image = document.createElement("img");
  image.src = overlay.src;
  const caption = document.createElement("figcaption");
  const seconds = captureTimes?.[overlay.index] ?? overlay.timestamp_s;
  const time = seconds === null ? `frame ${overlay.index}` : `${Number(seconds).toFixed(2)} s`;
  caption.textContent = [time, overlay.score !== null && `score ${Number(overlay.score).toFixed(2)}`, ...boxes.map((box) => box.label)]
    .filter(Boolean)
    .join(" · ");
  image.alt = `Grad-CAM overlay of frame ${overlay.index}`;
  frame.append(image, ...boxes.map(faceBox));
  figure.append(frame, caption);
  return figure;
}

const HEATMAP_STATUS = {
  [ExplanationState.PENDING]: "Computing heatmaps…",
  [ExplanationState.READY]: "Warmer regions drove the model's decision most.",
};

function renderHeatmaps(entry, explanation) {
  const overlays = explanation?.overlays ?? [];
  const tracks = faceTracksOf(entry.result);
  const tolerance = frameTolerance(overlays.map((overlay) => overlay.timestamp_s));
  const boxesOf = (overlay) => (overlay.timestamp_s === null ? [] : boxesAt(tracks, overlay.timestamp_s, tolerance));
  byId("heatmaps").replaceChildren(...overlays.map((overlay) => heatmapFigure(overlay, entry.captureTimes, boxesOf(overlay))));
  showLine(byId("faces-legend"), tracks.length ? `Face tracks: ${tracks.map((track) => track.label).join("; ")}.` : null);
  let status = HEATMAP_STATUS[entry.explanation] ?? "";
  if (entry.explanation === ExplanationState.FAILED) status = `Heatmaps unavailable: ${entry.explanationError}`;
  if (entry.explanation === ExplanationState.READY && overlays.length === 0) status = "The server sent no heatmaps for this video.";
  byId("heatmap-status").textContent = status;
  byId("heatmaps").dataset.count = String(overlays.length);
}

// A button per segment, placed and sized by its time span; `onSeek(entry, seconds)` on a click.
function renderTimeline(entry, onSeek) {
  const segments = timelineOf(entry.result);
  byId("timeline-section").hidden = segments.length === 0;
  const timeline = byId("timeline");
  redrawKeepingFocus(timeline, "start", () => timeline.replaceChildren(
    ...segments.map((segment) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "segment";
      button.dataset.verdict = segment.verdict;
      button.dataset.start = String(segment.start);
      button.style.left = `${segment.left}%`;
      button.style.width = `${segment.width}%`;
      button.textContent = VERDICT_TITLES[segment.verdict];
      button.title = segment.label;
      button.setAttribute("aria-label", `${segment.label}. Seek the video there.`);
      button.addEventListener("click", () => onSeek(entry, segment.start));
      return button;
    }),
  ));
}

// A whole-video check needs the file: offered for downloaded videos that have no segments yet.
function renderCoverageAction(entry) {
  byId("coverage-action").hidden = entry.source !== EntrySource.DOWNLOAD || timelineOf(entry.result).length > 0;
}

export function renderResult(entry, explanation, onSeek = () => {}) {
  byId("result").hidden = !entry;
  byId("empty").hidden = Boolean(entry);
  if (!entry) return;
  renderVerdict(entry);
  renderFacts(entry);
  renderTimeline(entry, onSeek);
  renderCoverageAction(entry);
  renderChart(entry);
  renderHeatmaps(entry, explanation);
}
