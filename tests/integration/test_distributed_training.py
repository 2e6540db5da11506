"""`torchrun --nproc_per_node=2 -m train` on a tiny synthetic set: two real CPU processes (gloo)
train one model; rank 0 writes the same kind of checkpoint as one process does, and the ranks
trained on disjoint videos with every fake next to its own real."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from model.checkpoint import load_detector
from tests.fixtures.media import REPO_ROOT

pytestmark = pytest.mark.slow

TORCHRUN = Path(sys.executable).with_name("torchrun")


def run(command: list[str], timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in command], cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def two_process_run(tmp_path_factory):
    data = tmp_path_factory.mktemp("synth")
    synth = run(
        [
            sys.executable,
            "-m",
            "train.synth",
            data,
            "--videos",
            "20",
            "--seed",
            "2",
            "--strength",
            "3",
            "--size",
            "64",
            "--clip-frames",
            "6",
        ]
    )
    assert synth.returncode == 0, synth.stderr
    checkpoint = tmp_path_factory.mktemp("ddp") / "deepfake.pth"
    # --standalone: a local rendezvous on a free port, so parallel runs never collide.
    train = run(
        [
            TORCHRUN,
            "--standalone",
            "--nproc_per_node=2",
            "-m",
            "train",
            "--data",
            data,
            "--out",
            checkpoint,
            "--epochs",
            "2",
            "--frames",
            "4",
            "--image-size",
            "64",
            "--batch-size",
            "4",
            "--val-split",
            "0.2",
            "--workers",
            "1",
            "--threads",
            "1",
        ]
    )
    assert train.returncode == 0, train.stderr[-4000:]
    return checkpoint, train


def test_rank_zero_writes_a_loadable_checkpoint_and_report(two_process_run):
    checkpoint, train = two_process_run
    _, config, metadata = load_detector(checkpoint)
    assert (config.num_frames, config.image_size) == (4, 64)
    assert metadata["data"]["distributed"] == {"world_size": 2, "backend": "gloo", "batch_size_per_process": 4}
    assert 0.0 <= metadata["metrics"]["validation"]["roc_auc"] <= 1.0
    report = json.loads(checkpoint.with_name("deepfake.report.json").read_text())
    assert [row["epoch"] for row in report["history"]] == [1, 2]
    assert train.stdout.count("wrote ") == 1  # one report, from rank 0


def test_ranks_train_on_disjoint_whole_pairs_from_the_training_split(two_process_run):
    checkpoint, _ = two_process_run
    logs = [json.loads(checkpoint.with_name(f"deepfake.rank{rank}.json").read_text()) for rank in (0, 1)]
    assert [log["rank"] for log in logs] == [0, 1] and all(log["world_size"] == 2 for log in logs)
    report = json.loads(checkpoint.with_name("deepfake.report.json").read_text())
    validation = {row["path"] for row in report["predictions"]["validation"]}
    for epoch in (1, 2):
        seen = [set(next(e["videos"] for e in log["epochs"] if e["epoch"] == epoch)) for log in logs]
        assert seen[0] and seen[1], f"a rank trained on nothing in epoch {epoch}"
        assert not seen[0] & seen[1], f"epoch {epoch}: both ranks trained on {seen[0] & seen[1]}"
        for videos in seen:
            assert not videos & validation
            partners = {
                str(Path(v).parent.with_name("fake" if Path(v).parent.name == "real" else "real") / Path(v).name)
                for v in videos
            }
            assert partners == videos, "a fake and its real were trained by different ranks"
