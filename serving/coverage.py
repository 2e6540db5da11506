"""Coverage requests (`coverage=full`): the payload analysed window by window (model.coverage),
decided per segment and for the whole video (model.segments), and the answer's extra fields."""

from __future__ import annotations

from dataclasses import asdict

from model.calibration import calibrate_logits
from model.coverage import CoveragePlan, CoverageResult, analyse_images, analyse_video
from model.frames import decode_image, looks_like_image
from model.segments import VideoDecision, decide_video
from model.verdict import DecisionRule
from serving.inputs import FramesPayload, VideoPayload, decode_images
from serving.responses import decision_fields, rounded

RULE = (
    "video: the highest calibrated P(fake) of its familiar windows, judged with the threshold and band moved "
    "for its number of non-overlapping windows (Sidak on the held-out genuine scores); segments: each window "
    "with those edges and its own in-distribution check"
)


def analyse_payload(
    payload: VideoPayload | FramesPayload, model, config, plan: CoveragePlan, limits, **run
) -> CoverageResult:
    """`run`: chunk_frames, device, bf16 (model.coverage.analyse_video's)."""
    if isinstance(payload, FramesPayload):
        return analyse_images(decode_images(payload, limits), payload.fps, model, config, plan, **run)
    if looks_like_image(payload.data):
        return analyse_images([decode_image(payload.data, limits)], None, model, config, plan, **run)
    return analyse_video(payload.data, model, config, plan, limits, **run)


def decide(result: CoverageResult, rule: DecisionRule, genuine_scores) -> VideoDecision:
    return decide_video(
        rule,
        genuine_scores,
        result.spans,
        [score.logit for score in result.scores],
        [score.clip_feature for score in result.scores],
        result.effective_windows,
        [score.texture for score in result.scores],
    )


def coverage_prediction(
    result: CoverageResult, decided: VideoDecision, rule: DecisionRule, model: dict, timing_ms: dict
) -> dict:
    """The answer: the contract's fields for the whole video, then `segments` and `coverage`."""
    edges, top = decided.edges, decided.most_suspicious
    frames = {
        "count": len(result.frame_indices),
        "unique": len(set(result.frame_indices)),
        "indices": result.frame_indices,
        "timestamps_s": [round(t, 4) for t in result.frame_times_s],
        "scores": [rounded(p) for p in calibrate_logits(result.frame_logits, rule.calibration).tolist()],
    }
    if result.faces is not None:
        frames["face"] = result.faces
    return {
        **decision_fields(decided.decision, rounded(edges.threshold)),
        "frames": frames,
        "video": asdict(result.video),
        "model": model,
        "timing_ms": {step: round(ms, 1) for step, ms in timing_ms.items()},
        "segments": [
            {
                "start_s": round(segment.start_s, 3),
                "end_s": round(segment.end_s, 3),
                "probability": rounded(segment.decision.probability),
                "verdict": segment.decision.verdict,
            }
            for segment in decided.segments
        ],
        "coverage": {
            "mode": "full",
            "window_s": result.window_s,
            "stride_s": result.stride_s,
            "frames_per_window": result.frames_per_window,
            "windows": len(result.spans),
            "effective_windows": result.effective_windows,
            "threshold": rounded(edges.threshold),
            "uncertain_band": [rounded(edge) for edge in edges.band],
            "adjusted": edges.adjusted,
            "threshold_one_clip": rule.threshold,
            "rule": RULE,
            "flagged": [[round(start, 3), round(end, 3)] for start, end in decided.flagged],
            "most_suspicious": {
                "start_s": round(top.start_s, 3),
                "end_s": round(top.end_s, 3),
                "probability": rounded(top.decision.probability),
            },
        },
    }
