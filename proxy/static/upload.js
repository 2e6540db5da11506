// Upload page: sends one video to /api/explain and shows the verdict (with the demo-model notice,
// the operating point and Content Credentials), segment verdicts, per-frame scores and Grad-CAM
// overlays with face boxes.

import {
  Verdict,
  VERDICT_TITLES,
  verdictOrLabel,
  verdictSentence,
  demoNotice,
  operatingPointText,
  credentialsView,
  timelineOf,
  faceTracksOf,
  boxesAt,
} from "/static/answer-view.js";

const $ = (id) => document.getElementById(id);
const SVG_NS = "http://www.w3.org/2000/svg";
const percent = (value) => (typeof value === "number" ? `${(100 * value).toFixed(1)} %` : "–");

async function getJson(url) {
  const response = await fetch(url);
  return { ok: response.ok, body: await response.json().catch(() => ({})) };
}

async function showServiceStatus() {
  const status = $("service-status");
  try {
    const { ok, body } = await getJson("/api/health");
    status.className = ok ? "status-ready" : "status-down";
    status.textContent = ok ? `Model server ready (${body.checks.workers_ready} worker(s))` : `Not ready: ${body.error}`;
    if (ok) await showModelSummary();
  } catch (error) {
    status.className = "status-down";
    status.textContent = "The proxy is not answering.";
  }
}

// What /api/model says of the served model: its operating point, and whether it is the demo model.
let servedModel = {};

function showLine(element, text) {
  element.textContent = text ?? "";
  element.hidden = !text;
}

async function showModelSummary() {
  const { ok, body } = await getJson("/api/model");
  if (!ok) return;
  servedModel = body;
  showLine($("model-notice"), demoNotice({ model: { demo: body.demo ?? body.data?.demo, trained_on: body.trained_on ?? body.data?.trained_on } }));
  const parts = [`${body.name} ${body.version ?? ""}`, body.arch, body.num_frames && `${body.num_frames} frames`,
    body.image_size && `${body.image_size} px`, body.threshold != null && `threshold ${body.threshold}`];
  $("model-summary").textContent = parts.filter(Boolean).join(" · ");
}

function describeError(status, body) {
  const message = body && body.error ? body.error : `HTTP ${status}`;
  return body && body.code ? `${message} (${body.code})` : message;
}

async function post(route, file) {
  const form = new FormData();
  form.append("file", file, file.name);
  const response = await fetch(route, { method: "POST", body: form });
  const body = await response.json().catch(() => null);
  if (!response.ok || !body) throw new Error(describeError(response.status, body));
  return body;
}

// One /api/explain call (verdict + heatmaps); a whole-video check asks /api/predict?coverage=full
// for the verdict and its segments first (explanations cover the 16 sampled frames only), then
// /api/explain for the heatmaps.
async function analyse(file) {
  $("error").hidden = true;
  $("result").hidden = true;
  const size = `${(file.size / 1048576).toFixed(1)} MiB`;
  const whole = $("full-coverage").checked;
  $("progress").textContent = whole ? `Checking all of ${file.name} (${size}), segment by segment…` : `Analysing ${file.name} (${size})…`;
  try {
    if (whole) {
      showResult(await post("/api/predict?coverage=full", file), file);
      $("progress").textContent = `Verdict ready; computing the heatmaps of ${file.name}…`;
      const explained = await post("/api/explain", file).catch((error) => ({ error }));
      if (explained.error) $("heatmaps-empty").textContent = `No heatmaps: ${explained.error.message}`;
      else showHeatmaps(overlaysOf(explained), faceTracksOf(explained));
    } else {
      showResult(await post("/api/explain", file), file);
    }
    $("progress").textContent = `Done: ${file.name}`;
  } catch (error) {
    $("progress").textContent = "";
    $("error").textContent = `Could not analyse ${file.name}: ${error.message}`;
    $("error").hidden = false;
  }
}

function showVerdict(result) {
  const verdict = verdictOrLabel(result);
  $("verdict").textContent = (VERDICT_TITLES[verdict] ?? String(verdict ?? "?")).toUpperCase();
  $("verdict").className = `verdict ${verdict}`;
  $("verdict-detail").textContent = verdictSentence(verdict);
  // The page's own notice (from /api/model) stays at the top; this one only when that one is absent.
  showLine($("demo-notice"), $("model-notice").hidden ? demoNotice(result) : null);
  const credentials = credentialsView(result.provenance);
  showLine($("credentials"), credentials?.text);
  $("credentials").dataset.kind = credentials?.kind ?? "";
  showLine($("operating-point"), operatingPointText(servedModel.operating_point));
}

function showTimeline(result) {
  const segments = timelineOf(result);
  $("timeline-section").hidden = segments.length === 0;
  $("timeline").replaceChildren(
    ...segments.map((segment) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = `segment ${segment.verdict}`;
      button.dataset.start = String(segment.start);
      button.style.left = `${segment.left}%`;
      button.style.width = `${segment.width}%`;
      button.textContent = VERDICT_TITLES[segment.verdict];
      button.title = segment.label;
      button.setAttribute("aria-label", `${segment.label}. Play the preview from there.`);
      button.addEventListener("click", () => seekPreview(segment.start));
      return button;
    }),
  );
}

function seekPreview(seconds) {
  $("preview").currentTime = seconds;
}

function showResult(result, file) {
  showVerdict(result);
  $("probability").textContent = percent(result.probability);
  $("confidence").textContent = percent(result.confidence);
  $("threshold").textContent = result.threshold ?? "–";
  $("video-facts").textContent = videoFacts(result);
  showPreview(file);
  showTimeline(result);
  // An unfamiliar video's frame scores mean nothing either: neutral bars, never red ones.
  const neutral = verdictOrLabel(result) === Verdict.OUT_OF_DISTRIBUTION;
  drawScoreChart($("score-chart"), frameScores(result), result.threshold ?? 0.5, result.explanation?.temporal_saliency, neutral);
  showHeatmaps(overlaysOf(result), faceTracksOf(result));
  $("result").hidden = false;
}

function videoFacts(result) {
  const video = result.video || {};
  const timing = result.timing_ms || {};
  const facts = [video.width && `${video.width}×${video.height}`, video.fps && `${Number(video.fps).toFixed(1)} fps`,
    video.duration_s != null && `${Number(video.duration_s).toFixed(1)} s`,
    Object.keys(timing).length && `server time ${Object.values(timing).reduce((a, b) => a + b, 0).toFixed(0)} ms`];
  return facts.filter(Boolean).join(" · ");
}

function showPreview(file) {
  const preview = $("preview");
  if (preview.src) URL.revokeObjectURL(preview.src);
  preview.src = URL.createObjectURL(file);
}

function frameScores(result) {
  const frames = result.frames || {};
  const scores = Array.isArray(frames.scores) ? frames.scores : [];
  return scores.map((score, i) => ({ score, time: (frames.timestamps_s || [])[i], index: (frames.indices || [])[i] ?? i }));
}

function svgElement(name, attributes, text) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text != null) element.textContent = text;
  return element;
}

// A bar per sampled frame (height = P(fake)), a dashed threshold line and, when explained, the
// temporal saliency (each frame's share of the evidence) as a line scaled to its maximum.
function drawScoreChart(svg, points, threshold, saliency, neutral = false) {
  svg.replaceChildren();
  const width = 600, height = 180, left = 30, bottom = 20, top = 8;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const plotHeight = height - bottom - top;
  const y = (value) => top + plotHeight * (1 - value);
  const slot = (width - left) / Math.max(points.length, 1);
  points.forEach((point, i) => {
    const bar = svgElement("rect", { x: left + i * slot + slot * 0.15, y: y(point.score), width: slot * 0.7,
      height: plotHeight * point.score, class: `bar ${neutral ? "unfamiliar" : point.score >= threshold ? "fake" : "real"}` });
    bar.append(svgElement("title", {}, `frame ${point.index}${point.time != null ? ` at ${point.time.toFixed(2)} s` : ""}: ${percent(point.score)}`));
    svg.append(bar);
  });
  svg.append(svgElement("line", { x1: left, x2: width, y1: y(threshold), y2: y(threshold), class: "threshold" }));
  if (Array.isArray(saliency) && saliency.length === points.length && Math.max(...saliency) > 0) {
    const peak = Math.max(...saliency);
    const coordinates = saliency.map((share, i) => `${left + (i + 0.5) * slot},${y(share / peak)}`).join(" ");
    svg.append(svgElement("polyline", { points: coordinates, class: "saliency" }));
    svg.append(svgElement("text", { x: width - 190, y: height - 4, class: "saliency-label" }, "line: saliency (share of evidence)"));
  }
  for (const tick of [0, 0.5, 1]) svg.append(svgElement("text", { x: 0, y: y(tick) + 4 }, tick.toFixed(1)));
  svg.append(svgElement("text", { x: left, y: height - 4 }, points.length ? `bars: P(fake) of ${points.length} sampled frames, in time order` : "no per-frame scores"));
}

// Grad-CAM overlays: the handler sends explanation.frames[] with a base64 `heatmap_png` each;
// other spellings are tolerated so an older or newer handler still shows its pictures.
function overlaysOf(result) {
  const explanation = result.explanation || {};
  const candidates = [explanation.frames, explanation.overlays, explanation.heatmaps, result.frames?.heatmaps, result.heatmaps];
  const list = candidates.find((candidate) => Array.isArray(candidate) && candidate.some(pngSource)) || [];
  const frames = result.frames || {};
  return list.map((item, i) => ({
    source: pngSource(item),
    time: item?.timestamp_s ?? (frames.timestamps_s || [])[i],
    score: item?.score ?? (frames.scores || [])[i],
    decisive: (explanation.top_frames || []).includes(item?.position ?? i),
  })).filter((overlay) => overlay.source);
}

function pngSource(item) {
  const data = typeof item === "string" ? item : item && (item.heatmap_png || item.overlay_png || item.overlay || item.png);
  if (typeof data !== "string" || data.length < 32) return null;
  return data.startsWith("data:") ? data : `data:image/png;base64,${data}`;
}

// A face track's box on one frame, placed in fractions of the frame so it scales with the picture.
function faceBox(box) {
  const element = document.createElement("div");
  element.className = `face-box ${box.verdict}`;
  element.dataset.track = String(box.track);
  Object.assign(element.style, { left: `${100 * box.x}%`, top: `${100 * box.y}%`, width: `${100 * box.w}%`, height: `${100 * box.h}%` });
  element.append(Object.assign(document.createElement("span"), { textContent: box.label }));
  return element;
}

// Half the smallest gap between the frames' times: a box belongs to the frame nearest to it.
function frameTolerance(overlays) {
  const times = overlays.map((overlay) => overlay.time).filter(Number.isFinite).sort((a, b) => a - b);
  const gaps = times.slice(1).map((t, i) => t - times[i]).filter((gap) => gap > 0);
  return gaps.length ? Math.min(...gaps) / 2 : 0.5;
}

function showHeatmaps(overlays, tracks) {
  const gallery = $("heatmaps");
  const tolerance = frameTolerance(overlays);
  gallery.replaceChildren();
  overlays.forEach((overlay, i) => {
    const figure = document.createElement("figure");
    figure.classList.toggle("decisive", overlay.decisive);
    const frame = Object.assign(document.createElement("button"), { type: "button", className: "frame" });
    const image = Object.assign(document.createElement("img"), { src: overlay.source, alt: `Grad-CAM overlay, sampled frame ${i + 1}` });
    const boxes = overlay.time != null ? boxesAt(tracks, overlay.time, tolerance) : [];
    frame.append(image, ...boxes.map(faceBox));
    const caption = document.createElement("figcaption");
    caption.textContent = [`#${i + 1}`, overlay.time != null && `${overlay.time.toFixed(2)} s`,
      overlay.score != null && `P(fake) ${percent(overlay.score)}`, overlay.decisive && "most decisive",
      ...boxes.map((box) => box.label)].filter(Boolean).join(" · ");
    if (overlay.time != null) {
      frame.setAttribute("aria-label", `Play the preview from ${overlay.time.toFixed(2)} s`);
      frame.addEventListener("click", () => seekPreview(overlay.time));
    } else {
      frame.disabled = true;
    }
    figure.append(frame, caption);
    gallery.append(figure);
  });
  $("heatmaps-empty").hidden = overlays.length > 0;
  showLine($("faces-legend"), tracks.length ? `Face tracks: ${tracks.map((track) => track.label).join("; ")}.` : null);
}

function setUpDropZone() {
  const zone = $("drop-zone");
  const input = $("file-input");
  input.addEventListener("change", () => input.files[0] && analyse(input.files[0]));
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("dragging"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    const file = event.dataTransfer.files[0];
    if (file) analyse(file);
  });
}

setUpDropZone();
showServiceStatus();
