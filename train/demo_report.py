"""The demo model's report next to its .pth: <stem>.report.json and .report.txt, and PNGs
<stem>.reliability.png (before/after calibration), .roc.png, .pr.png."""

from __future__ import annotations

import json
from pathlib import Path

from model.calibration import calibrate_logits
from train.decision import ScoredClips
from train.plots import plot_pr, plot_reliability, plot_roc


def demo_report_paths(checkpoint: Path) -> dict[str, Path]:
    stem = checkpoint.with_suffix("")
    return {
        kind: Path(f"{stem}.{kind}") for kind in ("report.json", "report.txt", "reliability.png", "roc.png", "pr.png")
    }


def write_demo_report(
    checkpoint: Path, figures: dict, decision: dict, summary: dict, reported: dict[str, ScoredClips]
) -> dict[str, Path]:
    paths = demo_report_paths(checkpoint)
    calibration = decision["calibration"]
    predictions = {
        name: [
            {"path": p, "kind": k, "label": int(y), "p_fake": round(float(q), 6)}
            for p, k, y, q in zip(clips.paths, clips.kinds, clips.labels, calibrate_logits(clips.logits, calibration))
        ]
        for name, clips in reported.items()
    }
    summarised = {
        "calibration": {k: v for k, v in calibration.items() if k != "isotonic"},
        "operating_point": decision["operating_point"],
        "in_distribution": {k: v for k, v in decision["in_distribution"].items() if k != "state"},
    }
    document = {"checkpoint": checkpoint.name, **summary, "decision": summarised, "figures": figures}
    document["predictions"] = predictions
    paths["report.json"].write_text(json.dumps(document, indent=1, default=float))
    paths["report.txt"].write_text(_readable(checkpoint, figures, summarised, summary))
    validation = figures["synthetic_validation"]
    plot_reliability(
        {
            "raw sigmoid": validation["reliability_raw"],
            f"calibrated ({calibration['method']})": validation["reliability"],
        },
        paths["reliability.png"],
        title="Reliability, synthetic validation (reporting half)",
    )
    curves = {clips.name: (clips.labels, calibrate_logits(clips.logits, calibration)) for clips in reported.values()}
    point = figures["synthetic_validation"]["at_operating_point"]
    plot_roc(curves, paths["roc.png"], {"validation": (point["fpr"], point["tpr"])})
    plot_pr(curves, paths["pr.png"])
    return paths


def _readable(checkpoint: Path, figures: dict, decision: dict, summary: dict) -> str:
    point = decision["operating_point"]
    calibration = decision["calibration"]
    check = decision["in_distribution"]
    lines = [
        f"Training report for {checkpoint.name}",
        "",
        summary["notice"],
        "",
        (
            f"training: {summary['training']['steps_run']} steps in {summary['training']['seconds']:.0f} s, "
            f"{summary['threads']} thread(s), {summary['precision']}; {summary['total_seconds']:.0f} s in all"
        ),
        (
            f"calibration: {calibration['method']} (temperature {calibration['temperature']:.3f}); "
            f"out-of-fold ECE on the fitting half: raw {calibration['ece_before']:.4f} -> "
            f"{calibration['ece_after']:.4f}; "
            f"compared: {json.dumps(calibration['compared'])}"
        ),
        (
            f"operating point: threshold {point['threshold']:.4f} for target FPR {point['target_fpr']} "
            f"on genuine clips ({_fpr_margin(point)}); "
            f"uncertain band [{point['uncertain_band'][0]:.4f}, {point['uncertain_band'][1]:.4f}) at precision "
            f"level {point['precision_level']}"
        ),
        (
            f"in-distribution check: {check['method']}, threshold {check['threshold']:.4f} "
            f"at coverage {check['coverage']}; "
            f"compared: {json.dumps(check['compared'])}"
        ),
    ]
    for name, values in figures.items():
        at = values["at_operating_point"]
        metrics = values.get("metrics") or {}
        lines += [
            "",
            f"== {name} ({values['clips']} clips: {values['genuine']} genuine, {values['fake']} fake) ==",
            (
                f"ROC-AUC {_fmt(metrics.get('roc_auc'))}  AP {_fmt(metrics.get('average_precision'))}  "
                f"ECE raw {values['ece_raw']:.4f} -> calibrated {values['ece_calibrated']:.4f}"
            ),
            _noise_floor_line(values),
            (
                f"at the operating point: TPR {_fmt(at['tpr'])}  FPR {_fmt(at['fpr'])}  "
                f"precision {_fmt(at['precision'])}  "
                f"coverage {_fmt(at['coverage'])}  selective accuracy {_fmt(at['selective_accuracy'])}  "
                f"verdict-fake FPR {_fmt(at['verdict_fpr'])}  unfamiliar {_fmt(values['in_distribution_flagged'])}"
            ),
        ]
    return "\n".join(lines) + "\n"


def _noise_floor_line(values: dict) -> str:
    floor = values["ece_noise_floor"]
    return (
        f"a perfectly calibrated model would show ECE {_fmt(floor['median'])} (90% of draws <= {_fmt(floor['p90'])}) "
        f"on these {values['clips']} clips: a measured ECE near it is sampling noise"
    )


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def _fpr_margin(point: dict) -> str:
    confidence = point.get("fpr_confidence") or 0
    if not confidence:
        return "the plain threshold"
    return f"held in {confidence:.0%} of resampled mixes of their {point.get('genuine_groups')} groups"
