"""`python -m analysis.evaluate` end to end on small generated folders: a labelled plain folder
(figures overall and per scene kind, plots) and a folder of genuine videos only (FPR figures)."""

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch

from model.checkpoint import save_checkpoint
from model.config import ModelConfig
from model.defaults import DEFAULT_PRECISION
from model.network import build_detector
from model.precision import uses_bf16
from tests.fixtures.media import REPO_ROOT
from train.decision import DecisionSettings, ScoredClips, fit_decision
from train.heldout import score_files
from train.synth.clips import ClipSettings, write_clips

pytestmark = pytest.mark.slow

CONFIG = ModelConfig(num_frames=4, image_size=48)


@pytest.fixture(scope="module")
def labelled_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("labelled")
    write_clips(ClipSettings(folder, "train", pairs=6, seed=3, size=48, frames=6), progress=False)
    return folder


@pytest.fixture(scope="module")
def checkpoint(labelled_folder, tmp_path_factory):
    """A random-init model whose decision keys are fitted on its own scores of the folder."""
    torch.manual_seed(0)
    detector = build_detector(CONFIG).eval()
    manifest = json.loads((labelled_folder / "manifest.json").read_text())
    paths, labels, groups = [], [], []
    for pair in manifest["pairs"]:
        for label, key in ((0, "real"), (1, "fake")):
            paths.append(labelled_folder / pair[key])
            labels.append(label)
            groups.append(pair["name"])
    scores = score_files(detector, paths, CONFIG, uses_bf16(DEFAULT_PRECISION), progress=False)
    clips = ScoredClips("folder", scores.logits, scores.features, np.array(labels), groups)
    decision = fit_decision(clips, clips, None, DecisionSettings())
    path = tmp_path_factory.mktemp("model") / "tiny.pth"
    save_checkpoint(path, detector, CONFIG, data={"trained_on": "nothing (random init)"}, decision=decision)
    return path


def run_evaluate(*args):
    command = [sys.executable, "-m", "analysis.evaluate", *map(str, args), "--threads", "1"]
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_labelled_folder_gives_overall_and_per_source_figures_and_plots(labelled_folder, checkpoint, tmp_path):
    result = run_evaluate("--checkpoint", checkpoint, "--data", labelled_folder, "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "evaluation.json").read_text())
    overall = report["overall"]
    assert report["layout"] == "plain" and overall["videos"] == 12 and overall["genuine"] == 6
    assert 0 <= overall["roc_auc"] <= 1 and overall["eer"] is not None and overall["ece"] is not None
    assert sum(overall["verdicts"].values()) == 12
    kinds = {pair["kind"] for pair in json.loads((labelled_folder / "manifest.json").read_text())["pairs"]}
    assert set(report["by_source"]) == kinds
    assert report["model"]["trained_on"] == "nothing (random init)"
    assert report["risk_coverage"] and report["risk_coverage"][-1]["coverage"] <= 1.0
    for video in report["videos"]:
        assert video["verdict"] in ("real", "fake", "uncertain", "out_of_distribution")
        assert video["in_distribution"]["available"] is True
    for plot in ("roc.png", "pr.png", "reliability.png", "risk_coverage.png", "evaluation.txt"):
        assert (tmp_path / plot).stat().st_size > 0
    floor = report["ece_noise_floor"]
    assert 0 <= floor["median"] <= floor["p90"] <= 1 and floor["draws"] > 0
    assert "ALL" in result.stdout and "a perfectly calibrated model would show" in result.stdout


def test_folder_of_genuine_videos_only_gives_false_positive_figures(labelled_folder, checkpoint, tmp_path):
    genuine = tmp_path / "phone_clips"
    shutil.copytree(labelled_folder / "real", genuine)
    result = run_evaluate("--checkpoint", checkpoint, "--data", genuine, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    overall = json.loads((tmp_path / "out" / "evaluation.json").read_text())["overall"]
    assert overall["genuine"] == 6 and overall["fake"] == 0
    assert overall["roc_auc"] is None and overall["fpr"] is not None
    assert overall["verdict_fake_on_genuine"] is not None


def test_not_a_checkpoint_is_a_clear_error(labelled_folder, tmp_path):
    junk = tmp_path / "junk.pth"
    junk.write_bytes(b"not a checkpoint")
    result = run_evaluate("--checkpoint", junk, "--data", labelled_folder, "--out", tmp_path)
    assert result.returncode == 2 and "not a loadable checkpoint" in result.stderr


def test_more_demo_clips_are_new_and_score_as_a_genuine_folder(checkpoint, tmp_path):
    """`python -m train.demo_clips` then `analysis.evaluate`: the protocol train/README.md gives
    for measuring a demo model on more clips than its report's."""
    from train.demo_clips import main as write_demo_clips

    out = tmp_path / "more"
    args = ["--out", out, "--part", "heldout", "--pairs", "3", "--genuine-only", "--size", "48", "--frames", "4"]
    assert write_demo_clips([*map(str, args), "--workers", "1"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["part"] == "heldout" and manifest["seed"] == 5000 and manifest["genuine_only"] is True
    assert len(manifest["pairs"]) == 3 and not (out / "fake").exists()
    result = run_evaluate("--checkpoint", checkpoint, "--data", out, "--out", tmp_path / "report")
    assert result.returncode == 0, result.stderr
    overall = json.loads((tmp_path / "report" / "evaluation.json").read_text())["overall"]
    assert overall["genuine"] == 3 and overall["fake"] == 0 and overall["fpr"] is not None


def test_more_demo_clips_refuses_zero_pairs(tmp_path, capsys):
    from train.demo_clips import main as write_demo_clips

    with pytest.raises(SystemExit) as exit_info:
        write_demo_clips(["--out", str(tmp_path), "--pairs", "0"])
    assert exit_info.value.code == 2 and "--pairs must be at least 1" in capsys.readouterr().err
