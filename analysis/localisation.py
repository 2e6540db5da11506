"""`python -m analysis.localisation --checkpoint PTH --data DIR`: where and who, measured.

On synthetic ground truth written by `python -m train.synth.localisation DIR` (partial fakes
with their manipulated range, two-face scenes with the manipulated face), through the served
code paths, in process:
- partial fakes: every video analysed in coverage mode (model.coverage + model.segments, as a
  coverage=full request is) and by the 16-frame sampling (as a plain request is);
  * temporal localisation AP at IoU 0.5 and 0.75 (analysis/temporal_ap.py: LAV-DF and
    AV-Deepfake1M's definition), from the windows' segment proposals;
  * the IoU between the answer's flagged spans (what a person sees) and the truth;
  * video-level ROC-AUC of the fakes against their genuine originals, full coverage vs 16 frames;
  * genuine videos with at least one fake segment;
- two-face scenes (face-crop models only): the per-face tracks of the 16 sampled frames
  (model.face_tracks), each matched to a true face by box overlap; per-track accuracy of the
  label (fake = the manipulated face), and of the scene's verdict (the maximum over tracks).
Writes DIR-independent JSON (`--out`) and prints a summary. These are figures of a model on this
project's synthetic data: they say nothing about real-world partial fakes.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from analysis.temporal_ap import average_precision, proposals
from model.checkpoint import CheckpointError, load_detector
from model.coverage import CoveragePlan, analyse_video
from model.defaults import DEFAULT_PRECISION
from model.errors import VideoInputError
from model.face_tracks import link_tracks, track_clips
from model.faces import detect_faces, iou
from model.frames import SamplingLimits, sample_video
from model.inference import score_clips
from model.precision import uses_bf16
from model.preprocess import normalize_clip, preprocess_clip
from model.segments import decide_video, genuine_scores_of, merge_spans
from model.verdict import DecisionRule
from train.metrics import roc_auc
from train.synth.localisation import TRUTH

IOU_THRESHOLDS = (0.5, 0.75)
OFFLINE_LIMITS = SamplingLimits(max_decode_s=3600.0)  # our own files: no deadline for a busy machine
PROPOSAL_LEVELS = tuple(np.round(np.arange(0.05, 1.0, 0.05), 2))


def _truth(folder: Path) -> dict:
    return json.loads((folder / TRUTH).read_text())["videos"]


def _span_iou(flagged: list[tuple[float, float]], truth: list[tuple[float, float]]) -> float:
    """IoU of two unions of spans (merged first)."""
    a, b = merge_spans(flagged), merge_spans(truth)
    overlap = sum(max(0.0, min(x[1], y[1]) - max(x[0], y[0])) for x in a for y in b)
    union = sum(e - s for s, e in a) + sum(e - s for s, e in b) - overlap
    return overlap / union if union > 0 else (1.0 if not a and not b else 0.0)


class Scorer:
    """One checkpoint, scored as served."""

    def __init__(self, checkpoint: Path, plan: CoveragePlan):
        self.detector, self.config, self.meta = load_detector(checkpoint)
        self.rule = DecisionRule.from_checkpoint(self.meta)
        self.genuine = genuine_scores_of(self.meta)
        self.bf16 = uses_bf16(DEFAULT_PRECISION)
        self.plan = plan

    def sampled(self, path: Path):
        sampled = sample_video(path, self.config.num_frames)
        clip = preprocess_clip(sampled.frames, self.config)
        score = score_clips(self.detector, [clip.tensor], bf16=self.bf16)[0]
        return sampled, self.rule.decide(score.logit, score.clip_feature, score.texture)

    def covered(self, path: Path):
        result = analyse_video(path, self.detector, self.config, self.plan, OFFLINE_LIMITS, bf16=self.bf16)
        logits = [score.logit for score in result.scores]
        features = [score.clip_feature for score in result.scores]
        textures = [score.texture for score in result.scores]
        decided = decide_video(
            self.rule, self.genuine, result.spans, logits, features, result.effective_windows, textures
        )
        return result, decided


def partial_figures(scorer: Scorer, folder: Path) -> dict:
    truth = _truth(folder)
    records, predictions, truths = [], {}, {}
    for name, known in tqdm(sorted(truth.items()), desc="partial fakes", unit="pair", file=sys.stderr):
        for label in ("fake", "real"):
            result, decided = scorer.covered(folder / label / f"{name}.mp4")
            _, sampled = scorer.sampled(folder / label / f"{name}.mp4")
            spans = [(s.start_s, s.end_s) for s in decided.segments]
            probabilities = [s.decision.probability for s in decided.segments]
            fake_spans = [tuple(span) for span in known["fake_spans_s"]] if label == "fake" else []
            key = f"{label}/{name}"
            predictions[key] = proposals(spans, probabilities, PROPOSAL_LEVELS)
            truths[key] = fake_spans
            records.append(
                {
                    "video": key,
                    "label": int(label == "fake"),
                    "truth_s": fake_spans,
                    "flagged_s": decided.flagged,
                    "flagged_iou": _span_iou(decided.flagged, fake_spans) if label == "fake" else None,
                    "coverage_probability": decided.decision.probability,
                    "coverage_verdict": decided.decision.verdict,
                    "sampled_probability": sampled.probability,
                    "sampled_verdict": sampled.verdict,
                    "windows": len(spans),
                    "threshold": decided.edges.threshold,
                    "adjusted": decided.edges.adjusted,
                    "decode_s": result.decode_s,
                    "preprocess_s": result.preprocess_s,
                    "network_s": result.network_s,
                }
            )
    labels = np.array([r["label"] for r in records])
    fakes = [r for r in records if r["label"] == 1]
    reals = [r for r in records if r["label"] == 0]
    return {
        "pairs": len(truth),
        "ap": {f"{t}": average_precision(predictions, truths, t) for t in IOU_THRESHOLDS},
        "flagged_iou_mean": float(np.mean([r["flagged_iou"] for r in fakes])) if fakes else None,
        "fakes_localised_iou_0.5": sum(r["flagged_iou"] >= 0.5 for r in fakes),
        "roc_auc_full_coverage": roc_auc(labels, np.array([r["coverage_probability"] for r in records])),
        "roc_auc_16_frames": roc_auc(labels, np.array([r["sampled_probability"] for r in records])),
        "fake_verdicts_full_coverage": sum(r["coverage_verdict"] == "fake" for r in fakes),
        "fake_verdicts_16_frames": sum(r["sampled_verdict"] == "fake" for r in fakes),
        "genuine_with_a_fake_segment": sum(bool(r["flagged_s"]) for r in reals),
        "genuine": len(reals),
        "videos": records,
    }


def _match_face(track_boxes: dict[int, tuple], faces: list[dict]) -> int | None:
    """The true face whose boxes overlap this track's most (mean IoU over the frames both have)."""
    from model.faces import FaceBox

    best, best_overlap = None, 0.0
    for number, face in enumerate(faces):
        overlaps = [iou(box, FaceBox(*face["boxes"][frame], 1.0)) for frame, box in track_boxes.items()]
        overlap = float(np.mean(overlaps)) if overlaps else 0.0
        if overlap > best_overlap:
            best, best_overlap = number, overlap
    return best if best_overlap >= 0.3 else None


def two_face_figures(scorer: Scorer, folder: Path) -> dict:
    if not scorer.config.face_crop:
        return {"skipped": "the model does not crop faces: per-face tracks are for face-crop models"}
    truth = _truth(folder)
    tracks_right, tracks_total, unmatched, scenes_right, records = 0, 0, 0, 0, []
    for name, known in tqdm(sorted(truth.items()), desc="two-face scenes", unit="pair", file=sys.stderr):
        for label in ("fake", "real"):
            sampled = sample_video(folder / label / f"{name}.mp4", scorer.config.num_frames)
            detections = detect_faces(sampled.frames)
            clips = track_clips(sampled.frames, link_tracks(detections), scorer.config)
            tensors = [normalize_clip(clip.pixels, scorer.config.mean, scorer.config.std) for clip in clips]
            scores = score_clips(scorer.detector, tensors, bf16=scorer.bf16) if tensors else []
            decisions = [scorer.rule.decide(s.logit, s.clip_feature, s.texture) for s in scores]
            scene_fake = any(d.label == "fake" for d in decisions)
            scenes_right += scene_fake == (label == "fake")
            for clip, decision in zip(clips, decisions):
                boxes = {sampled.indices[t]: box for t, box in enumerate(clip.track.boxes) if box is not None}
                face = _match_face(boxes, known["faces"])
                if face is None:
                    unmatched += 1
                    continue
                manipulated = label == "fake" and known["faces"][face]["manipulated"]
                tracks_total += 1
                tracks_right += (decision.label == "fake") == manipulated
                records.append(
                    {
                        "video": f"{label}/{name}",
                        "face": face,
                        "manipulated": manipulated,
                        "probability": decision.probability,
                        "verdict": decision.verdict,
                    }
                )
    return {
        "pairs": len(truth),
        "tracks": tracks_total,
        "unmatched_tracks": unmatched,
        "per_track_accuracy": tracks_right / tracks_total if tracks_total else None,
        "scene_accuracy": scenes_right / (2 * len(truth)) if truth else None,
        "tracks_scored": records,
    }


def localisation_report(checkpoint: Path, data: Path, plan: CoveragePlan) -> dict:
    scorer = Scorer(checkpoint, plan)
    report = {
        "checkpoint": str(checkpoint),
        "model": {
            "arch": scorer.config.arch_name,
            "image_size": scorer.config.image_size,
            "face_crop": scorer.config.face_crop,
            "data": scorer.meta.get("data", {}),
        },
        "plan": {"window_s": plan.window_s, "stride_s": plan.stride_s, "frames_per_window": plan.frames_per_window},
        "note": "synthetic ground truth (train.synth.localisation): not real-world accuracy",
    }
    if (data / "partial" / TRUTH).is_file():
        report["partial"] = partial_figures(scorer, data / "partial")
    if (data / "two_faces" / TRUTH).is_file():
        report["two_faces"] = two_face_figures(scorer, data / "two_faces")
    return report


def summary(report: dict) -> str:
    lines = [
        f"{report['checkpoint']} ({report['model']['arch']}, {report['model']['image_size']} px), plan {report['plan']}"
    ]
    partial = report.get("partial")
    if partial:
        ap = partial["ap"]
        lines.append(
            f"partial fakes ({partial['pairs']} pairs): AP@0.5 {_f(ap['0.5'])}, AP@0.75 {_f(ap['0.75'])}; "
            f"flagged-span IoU mean {_f(partial['flagged_iou_mean'])} "
            f"({partial['fakes_localised_iou_0.5']} of {partial['pairs']} at >= 0.5); video ROC-AUC full coverage "
            f"{_f(partial['roc_auc_full_coverage'])} vs 16 frames {_f(partial['roc_auc_16_frames'])}; fake verdicts "
            f"{partial['fake_verdicts_full_coverage']} vs {partial['fake_verdicts_16_frames']}; genuine videos with a "
            f"fake segment {partial['genuine_with_a_fake_segment']} of {partial['genuine']}"
        )
    faces = report.get("two_faces")
    if faces:
        lines.append(
            faces.get("skipped")
            or f"two-face scenes ({faces['pairs']} pairs): per-track accuracy {_f(faces['per_track_accuracy'])} "
            f"over {faces['tracks']} tracks ({faces['unmatched_tracks']} unmatched), "
            f"scene accuracy {_f(faces['scene_accuracy'])}"
        )
    lines.append(report["note"])
    return "\n".join(lines)


def _f(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.localisation", description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", type=Path, default=Path("checkpoints/deepfake.pth"))
    parser.add_argument(
        "--data", type=Path, required=True, help="a folder written by python -m train.synth.localisation"
    )
    parser.add_argument("--window-s", type=float, default=CoveragePlan.window_s)
    parser.add_argument("--stride-s", type=float, default=CoveragePlan.stride_s)
    parser.add_argument("--frames-per-window", type=int, default=CoveragePlan.frames_per_window)
    parser.add_argument("--out", type=Path, help="write the report as JSON here")
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    plan = replace(
        CoveragePlan(),
        window_s=args.window_s,
        stride_s=args.stride_s,
        frames_per_window=args.frames_per_window,
        max_windows=100_000,
        max_seconds=3600.0,
    )
    try:
        plan.check()
        report = localisation_report(args.checkpoint, args.data, plan)
    except (CheckpointError, VideoInputError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1))
    print(summary(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
