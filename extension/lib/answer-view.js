// How a prediction answer reads to a person: the verdict, the demo-model notice, the operating
// point, Content Credentials, segment and face-track verdicts. Pure, no imports.
//
// One definition, two deliveries: the extension cannot load files outside its folder and the
// proxy ships proxy/ only, so proxy/static/answer-view.js is a byte-for-byte copy of this file
// (test/answer-view.test.js fails when they differ: edit this one, then copy it).
//
// Older answers carry only `label`, `probability` and `threshold`: they still read, with the
// verdict derived from those as the extension always did.

export const Verdict = Object.freeze({
  REAL: "real",
  FAKE: "fake",
  UNCERTAIN: "uncertain",
  OUT_OF_DISTRIBUTION: "out_of_distribution",
});

const VERDICTS = new Set(Object.values(Verdict));

// For answers without `verdict`: a probability within this distance of the threshold is
// "uncertain", since the label flips on a small change there.
export const UNCERTAIN_MARGIN = 0.1;

export function percent(fraction) {
  return `${Math.round(fraction * 100)}%`;
}

const isUnitNumber = (value) => typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= 1;

export function thresholdOf(answer) {
  return isUnitNumber(answer?.threshold) ? answer.threshold : 0.5;
}

// The verdict of an older answer, from its probability and the model's threshold.
export function verdictFromProbability(probability, threshold, margin = UNCERTAIN_MARGIN) {
  if (Math.abs(probability - threshold) < margin) return Verdict.UNCERTAIN;
  return probability >= threshold ? Verdict.FAKE : Verdict.REAL;
}

// What people and the extension act on: the answer's `verdict`, or one derived from `probability`.
export function verdictOf(answer) {
  if (VERDICTS.has(answer?.verdict)) return answer.verdict;
  return verdictFromProbability(answer.probability, thresholdOf(answer));
}

// The upload page's verdict: the answer's `verdict`, else its `label` (what that page always showed).
export function verdictOrLabel(answer) {
  return VERDICTS.has(answer?.verdict) ? answer.verdict : answer?.label;
}

// Short words for a badge or a list: "Fake 87%", "Unfamiliar video".
export function verdictText(verdict, probability) {
  switch (verdict) {
    case Verdict.REAL:
      return `Real ${percent(1 - probability)}`;
    case Verdict.FAKE:
      return `Fake ${percent(probability)}`;
    case Verdict.UNCERTAIN:
      return `Uncertain, ${percent(probability)} fake`;
    default:
      return "Unfamiliar video";
  }
}

// A heading: the verdict in words, without figures.
export const VERDICT_TITLES = Object.freeze({
  [Verdict.REAL]: "Real",
  [Verdict.FAKE]: "Fake",
  [Verdict.UNCERTAIN]: "Uncertain",
  [Verdict.OUT_OF_DISTRIBUTION]: "Unfamiliar video",
});

// What the verdict means, in a sentence.
export function verdictSentence(verdict) {
  switch (verdict) {
    case Verdict.REAL:
      return "The model found no sign of manipulation.";
    case Verdict.FAKE:
      return "The model found signs of manipulation.";
    case Verdict.UNCERTAIN:
      return "The model cannot tell: its score is too close to its threshold to call either way.";
    default:
      return "Unfamiliar video: this model was not trained on videos like this, so its score says nothing here.";
  }
}

export const DEMO_NOTICE = "Demo model, trained on synthetic clips";

// The demo model's notice, or null for a model trained on real data (or an older answer).
export function demoNotice(answer) {
  const model = answer?.model ?? {};
  if (model.demo !== true) return null;
  return model.trained_on ? `${DEMO_NOTICE} (${model.trained_on}): its verdicts are no evidence.` : `${DEMO_NOTICE}: its verdicts are no evidence.`;
}

// How often the model flags a genuine video at its threshold, from /api/model's
// `operating_point`: the held-out FPR measured when it was chosen, else the target it was chosen
// for (said as such); null when neither is known.
export function operatingPointText(operatingPoint) {
  const measured = operatingPoint?.heldout?.fpr;
  if (isUnitNumber(measured)) {
    const where = operatingPoint.chosen_on ? ` (measured on ${operatingPoint.chosen_on})` : "";
    if (measured === 0) return `At its threshold the model flagged none of its held-out genuine videos${where}.`;
    return `At its threshold the model flags ${howMany(measured)} genuine videos${where}.`;
  }
  const target = operatingPoint?.target_fpr;
  if (!isUnitNumber(target) || target === 0) return null;
  return `At its threshold the model is meant to flag ${howMany(target)} genuine videos (its target, not a measurement).`;
}

function howMany(rate) {
  return rate > 0.5 ? `about ${percent(rate)} of` : `about 1 in ${Math.round(1 / rate)}`;
}

export const CredentialsKind = Object.freeze({
  AI_GENERATED: "ai-generated",
  PRESENT: "present",
  ABSENT: "absent",
  ERROR: "error",
  UNCHECKED: "unchecked", // frames captured in a page carry no credentials: the file was not read
});

// Content Credentials (C2PA) as the answer's `provenance` reports them: {kind, text}, or null
// for an older answer that did not look. Shown next to the detector's verdict; neither one
// overrides the other. `fromFrames`: the answer judged frames captured in a page, which carry
// no credentials, so their absence says nothing about the video's file.
export function credentialsView(provenance, { fromFrames = false } = {}) {
  if (fromFrames) {
    return { kind: CredentialsKind.UNCHECKED, text: "Content Credentials not checked: frames captured in the page carry none" };
  }
  if (!provenance || typeof provenance !== "object") return null;
  if (provenance.error) return { kind: CredentialsKind.ERROR, text: `Content Credentials could not be read: ${provenance.error}` };
  if (!provenance.present) return { kind: CredentialsKind.ABSENT, text: "No Content Credentials" };
  const by = provenance.claim_generator ? ` (by ${provenance.claim_generator})` : "";
  const signature = provenance.signature_valid === false ? " Their signature is not valid: the file changed after signing." : "";
  const signer = provenance.signer ? ` Signed by ${provenance.signer}.` : "";
  if (provenance.ai_generated) {
    return { kind: CredentialsKind.AI_GENERATED, text: `Content Credentials: declares AI-generated${by}.${signer}${signature}` };
  }
  return { kind: CredentialsKind.PRESENT, text: `Content Credentials: no AI generation declared${by}.${signer}${signature}` };
}

const isTime = (value) => typeof value === "number" && Number.isFinite(value) && value >= 0;

// The answer's `segments` as a timeline: each with its place on it ([left, width] in percent of
// the video's duration, or of the last segment's end) and its words. Windows overlap (a window
// starts every stride): each is drawn from its start to the next one's, so they tile the line,
// while its words give its whole span.
export function timelineOf(answer) {
  const segments = (Array.isArray(answer?.segments) ? answer.segments : [])
    .filter((s) => isTime(s?.start_s) && isTime(s?.end_s) && s.end_s > s.start_s)
    .sort((a, b) => a.start_s - b.start_s);
  if (segments.length === 0) return [];
  const end = Math.max(isTime(answer.video?.duration_s) ? answer.video.duration_s : 0, ...segments.map((s) => s.end_s));
  const threshold = thresholdOf(answer);
  return segments.map((segment, index) => {
    const next = segments[index + 1];
    const drawnEnd = next && next.start_s > segment.start_s ? Math.min(segment.end_s, next.start_s) : segment.end_s;
    const verdict = VERDICTS.has(segment.verdict) ? segment.verdict : verdictFromProbability(segment.probability, threshold);
    const span = `${segment.start_s.toFixed(1)}–${segment.end_s.toFixed(1)} s`;
    const score = isUnitNumber(segment.probability) ? `, P(fake) ${percent(segment.probability)}` : "";
    return {
      start: segment.start_s,
      end: segment.end_s,
      verdict,
      left: (100 * segment.start_s) / end,
      width: (100 * (drawnEnd - segment.start_s)) / end,
      label: `${span}: ${VERDICT_TITLES[verdict]}${score}`,
    };
  });
}

// The face tracks of `faces`, each {track, verdict, label, boxes: [{t, x, y, w, h}]} with boxes
// as fractions of the frame (the answer's pixels divided by the video's size when they are
// pixels).
export function faceTracksOf(answer) {
  const faces = Array.isArray(answer?.faces) ? answer.faces : [];
  const width = answer?.video?.width;
  const height = answer?.video?.height;
  const threshold = thresholdOf(answer);
  return faces.map((face, index) => {
    const boxes = (Array.isArray(face?.boxes) ? face.boxes : []).filter((box) => Array.isArray(box) && box.length === 5 && box.every(Number.isFinite));
    // Boxes in pixels need the video's size to become fractions; without it they cannot be drawn.
    const pixels = boxes.some(([, x, y, w, h]) => x > 1 || y > 1 || w > 1 || h > 1);
    const drawable = !pixels || (width > 0 && height > 0);
    const [sx, sy] = pixels && drawable ? [width, height] : [1, 1];
    const verdict = VERDICTS.has(face.verdict) ? face.verdict : verdictFromProbability(face.probability, threshold);
    const track = face.track ?? index;
    const score = isUnitNumber(face.probability) ? ` ${percent(face.probability)}` : "";
    return {
      track,
      verdict,
      label: `face ${track}: ${VERDICT_TITLES[verdict]}${score}`,
      boxes: drawable ? boxes.map(([t, x, y, w, h]) => ({ t, x: x / sx, y: y / sy, w: w / sx, h: h / sy })) : [],
    };
  });
}

// The boxes of every track at the frame shown at `time` (seconds): the box of each track
// nearest in time, within `tolerance` seconds.
export function boxesAt(tracks, time, tolerance) {
  return tracks.flatMap((track) => {
    const nearest = track.boxes.reduce((best, box) => (!best || Math.abs(box.t - time) < Math.abs(best.t - time) ? box : best), null);
    return nearest && Math.abs(nearest.t - time) <= tolerance ? [{ ...nearest, track: track.track, verdict: track.verdict, label: track.label }] : [];
  });
}
