"""The `faces` block of a face-crop model's answer: one entry per counted face track
(model.face_tracks), each judged on its own crops, and which of them decides the clip.

The clip's verdict is the maximum over the counted tracks (as the DFDC winners and SBI score a
video: the most manipulated-looking face decides): the track with the highest calibrated P(fake)
among those the in-distribution check accepts, or, when it accepts none, the highest one, whose
verdict is then out_of_distribution. Without a counted track (no face in enough frames) the
main-face clip decides, as before.
"""

from __future__ import annotations

from model.face_tracks import TrackClip
from model.frames import SampledFrames
from model.inference import ClipScore
from model.verdict import Decision, DecisionRule
from serving.responses import rounded


def _boxes(sampled: SampledFrames, clip: TrackClip) -> list[list[float]]:
    """[t, x, y, w, h] of each frame where this face was detected (frame pixels, before smoothing)."""
    return [
        [round(sampled.timestamps_s[slot], 4), *(round(v, 1) for v in (box.x, box.y, box.width, box.height))]
        for slot, box in enumerate(clip.track.boxes)
        if box is not None
    ]


def face_answers(
    sampled: SampledFrames, clips: list[TrackClip], scores: list[ClipScore], rule: DecisionRule
) -> tuple[list[dict], Decision | None, int | None]:
    """(faces entries, the deciding track's decision, its track number); (.., None, None) without tracks."""
    decisions = [rule.decide(score.logit, score.clip_feature, score.texture) for score in scores]
    entries = [
        {
            "track": clip.track.track,
            "boxes": _boxes(sampled, clip),
            "frames": clip.track.found,
            "probability": rounded(decision.probability),
            "verdict": decision.verdict,
            "in_distribution_ok": decision.in_distribution["ok"],
        }
        for clip, decision in zip(clips, decisions)
    ]
    if not decisions:
        return entries, None, None
    familiar = [i for i, d in enumerate(decisions) if d.in_distribution["ok"] is not False] or range(len(decisions))
    top = max(familiar, key=lambda i: decisions[i].probability)
    return entries, decisions[top], clips[top].track.track
