"""The client runs where torch is not installed: importing it (and client/answers.py, which the proxy
uses too) loads no torch."""

from __future__ import annotations

import subprocess
import sys

from tests.fixtures.media import REPO_ROOT


def test_the_client_imports_no_torch():
    code = "import sys, client.__main__, client.scan, client.answers; print('torch' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "False"
