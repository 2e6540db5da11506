"""`source .venv/bin/activate` makes the bare `torchserve --start --models deepfake.mar` work:
TorchServe's launcher needs TS_CONFIG_FILE to find model_store= (scripts/setup_venv.sh adds it)."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ACTIVATE = REPO_ROOT / ".venv" / "bin" / "activate"


@pytest.mark.skipif(
    Path(sys.prefix).resolve() != (REPO_ROOT / ".venv").resolve(), reason="runs in the project's own .venv only"
)
@pytest.mark.skipif(
    (REPO_ROOT / ".venv").is_symlink(),
    reason="a .venv linked from another checkout exports that checkout's config.properties, as it should",
)
def test_activated_environment_names_the_repo_config():
    shown = subprocess.run(
        ["bash", "-c", f'source "{ACTIVATE}" && printf %s "$TS_CONFIG_FILE"'],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    assert Path(shown) == REPO_ROOT / "config.properties"
    assert "model_store=model_store" in Path(shown).read_text().splitlines()
