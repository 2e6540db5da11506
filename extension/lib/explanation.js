// Reads the Grad-CAM evidence out of an /api/explain answer. Pure.
// Tolerant by design: it accepts the handful of shapes a heatmap list can take (a list of
// base64 PNGs, or of objects holding one) so the panel keeps working as the API grows.

// Where a history entry's heatmaps stand (the entry's `explanation` field).
export const ExplanationState = Object.freeze({ PENDING: "pending", READY: "ready", FAILED: "failed" });

const LIST_PATHS = [
  ["explanation", "frames"],
  ["explanation", "overlays"],
  ["explanation", "heatmaps"],
  ["explanations"],
  ["overlays"],
  ["heatmaps"],
  ["gradcam"],
];
const IMAGE_FIELDS = ["overlay_png", "overlay", "heatmap_png", "heatmap", "png", "image"];
const SALIENCY_PATHS = [["explanation", "saliency"], ["explanation", "temporal_saliency"], ["saliency"], ["temporal_saliency"]];

function at(object, path) {
  return path.reduce((value, key) => (value && typeof value === "object" ? value[key] : undefined), object);
}

function firstArray(body, paths) {
  for (const path of paths) {
    const value = at(body, path);
    if (Array.isArray(value) && value.length > 0) return value;
  }
  return null;
}

export function pngSource(base64OrDataUrl) {
  if (typeof base64OrDataUrl !== "string" || base64OrDataUrl.length === 0) return null;
  if (base64OrDataUrl.startsWith("data:image/")) return base64OrDataUrl;
  if (base64OrDataUrl.startsWith("data:")) return null; // not an image: never rendered
  return `data:image/png;base64,${base64OrDataUrl}`;
}

function imageOf(item) {
  if (typeof item === "string") return pngSource(item);
  if (!item || typeof item !== "object") return null;
  const field = IMAGE_FIELDS.find((name) => typeof item[name] === "string");
  return field ? pngSource(item[field]) : null;
}

// [{index, timestamp_s, score, src}] for each frame that has an overlay image.
export function extractOverlays(body) {
  const list = firstArray(body, LIST_PATHS) ?? [];
  const frames = body?.frames ?? {};
  return list
    .map((item, position) => ({
      index: item?.index ?? frames.indices?.[position] ?? position,
      timestamp_s: item?.timestamp_s ?? frames.timestamps_s?.[position] ?? null,
      score: item?.score ?? frames.scores?.[position] ?? null,
      src: imageOf(item),
    }))
    .filter((overlay) => overlay.src !== null);
}

// How much each frame drove the decision, when the answer carries such a curve.
export function extractSaliency(body) {
  const curve = firstArray(body, SALIENCY_PATHS);
  return curve && curve.every((value) => typeof value === "number") ? curve : null;
}
