"""`python -m analysis.explain_video VIDEO --out DIR`: Grad-CAM of a video offline, from a checkpoint.

Writes DIR/frame_XX.png (heatmap overlays, time order), DIR/contact_sheet.png and
DIR/explanation.json (the prediction and the explanation fields the server would answer, without
the PNGs). Same sampling, preprocessing, network and Grad-CAM code as the served handler.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path

from analysis.contact_sheet import write_contact_sheet
from model.checkpoint import CheckpointError, load_detector
from model.defaults import DEFAULT_CHECKPOINT, DEFAULT_PRECISION
from model.errors import VideoInputError
from model.frames import sample_clip
from model.inference import score_clips
from model.precision import uses_bf16
from model.preprocess import preprocess_clip
from model.verdict import DecisionRule
from serving.explanations import clip_overlays, explanation
from serving.gradcam import clip_gradcam
from serving.heatmaps import thumbnail
from serving.responses import model_summary, prediction

OVERLAY_SIDE = 320  # px: the analyst's files can be larger than the server's answer


def explain_video(video: Path, checkpoint: Path, out: Path) -> dict:
    detector, config, meta = load_detector(checkpoint)
    sampled = sample_clip(video.read_bytes(), config.num_frames)
    clip = preprocess_clip(sampled.frames, config)
    score = score_clips(detector, [clip.tensor], bf16=uses_bf16(DEFAULT_PRECISION))[0]  # as served
    cams = clip_gradcam(detector, clip.tensor)
    faces = clip.describe_faces()
    rule = DecisionRule.from_checkpoint(meta)
    answer = prediction(sampled, score, rule, model_summary("deepfake", meta, config), {}, faces)
    overlays = clip_overlays(sampled.frames, cams, faces, OVERLAY_SIDE)
    answer["explanation"] = explanation(sampled, answer["frames"]["scores"], cams, faces, overlays)
    out.mkdir(parents=True, exist_ok=True)
    for slot, frame in enumerate(answer["explanation"]["frames"]):  # the PNGs explanation() encoded
        (out / f"frame_{slot:02d}.png").write_bytes(base64.b64decode(frame.pop("heatmap_png")))
    thumbnails = [thumbnail(frame, OVERLAY_SIDE) for frame in sampled.frames]
    write_contact_sheet(
        out / "contact_sheet.png",
        thumbnails,
        overlays,
        sampled.timestamps_s,
        answer["frames"]["scores"],
        answer["explanation"]["temporal_saliency"],
        answer["probability"],
        rule.threshold,
        f"{video.name}: {answer['verdict']} (P(fake) {answer['probability']:.3f}), model {meta['version']}",
    )
    (out / "explanation.json").write_text(json.dumps(answer, indent=1))
    return answer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.explain_video", description=__doc__.split("\n\n")[0])
    parser.add_argument("video", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNGs and explanation.json")
    parser.add_argument("--checkpoint", type=Path, default=DEFAULT_CHECKPOINT)
    args = parser.parse_args(argv)
    try:
        answer = explain_video(args.video, args.checkpoint, args.out)
    except (CheckpointError, VideoInputError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    top = ", ".join(f"{answer['frames']['timestamps_s'][slot]:.1f}s" for slot in answer["explanation"]["top_frames"])
    print(
        f"{args.video.name}: {answer['label']} P(fake)={answer['probability']:.3f}; "
        f"most decisive frames at {top or '-'}"
    )
    print(
        f"wrote {args.out}/contact_sheet.png, frame_00..{len(answer['frames']['indices']) - 1:02d}.png, "
        "explanation.json"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
