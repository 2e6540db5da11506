"""Issue 11's finding 10: a generic fuzzer on the proxy's own OpenAPI schema. schemathesis (pinned
in requirements.txt) generates a few hundred requests from /openapi.json, valid and invalid ones,
against the real proxy in front of the real TorchServe, and checks each answer: never a 5xx, every
status the schema declares, JSON where it says JSON, and every body (errors: {error, code}; the
prediction; health; model) conforming to the declared schema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
EXAMPLES_PER_OPERATION = 60  # ~230 cases over the 4 operations: 50-120 s here (2 shared cores)
RUN_TIMEOUT_S = 280  # a hang fails here, before pytest-timeout (300 s) would


def schemathesis() -> str:
    return str(Path(sys.executable).with_name("schemathesis"))


def test_generated_requests_get_declared_answers_and_never_a_5xx(proxy, tmp_path):
    command = [
        schemathesis(),
        "run",
        f"{proxy.url}/openapi.json",
        "--checks",
        CHECKS,
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--workers",
        "1",
        "--seed",
        "11",
        "--request-timeout",
        "150",
        "--generation-database",
        "none",
        "--no-color",
    ]
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False)
    summary = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, summary
    assert "No issues found" in run.stdout, summary
    generated = [line for line in run.stdout.splitlines() if " generated" in line]
    assert generated and int(generated[-1].split()[0]) >= 200, generated
