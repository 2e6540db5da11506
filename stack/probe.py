"""Kubernetes probe of the TorchServe container: exit 0 when the check passes, 1 (with the reason) when not.

`python /app/stack/probe.py ready`: every worker of the model is READY (startup and readiness).
`python /app/stack/probe.py live`: the management API answers the key (liveness: a hung
frontend, or keys that expired, restart the container, which makes new keys).

Why not an httpGet on /ping: TorchServe says Healthy before any worker is READY, and with token
auth on every route (/ping too) answers 400 without a key. So the probe asks the management API
`GET /models/<name>` with the management key TorchServe wrote to key_file.json in its working
directory. Standard library only: it runs every few seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

# The pod's values: config.properties' management port, TorchServe's working directory as the cwd.
MANAGEMENT_URL = "http://127.0.0.1:8081"
KEY_FILE = Path("key_file.json")
MODEL = "deepfake"


def management_key(key_file: Path) -> str | None:
    """The management key from TorchServe's key_file.json; None while token auth is off (no file)."""
    try:
        document = json.loads(key_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return document["management"]["key"]


def not_ready_reason(description: object) -> str | None:
    """None when the model has workers and all are READY, else what is missing."""
    if not isinstance(description, list) or not description or not isinstance(description[0], dict):
        return f"unexpected model description: {str(description)[:200]}"
    workers = description[0].get("workers") or []
    statuses = [worker.get("status") for worker in workers]
    if not statuses:
        return "no worker yet"
    if any(status != "READY" for status in statuses):
        return f"workers not all READY: {statuses}"
    return None


def describe_model(management_url: str, model: str, key: str | None, timeout_s: float) -> object:
    request = urllib.request.Request(
        f"{management_url}/models/{model}", headers={"Authorization": f"Bearer {key}"} if key else {}
    )
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        return json.loads(response.read())


def check(mode: str, management_url: str, model: str, key_file: Path, timeout_s: float) -> str | None:
    """None when the check passes, else the reason it fails."""
    try:
        description = describe_model(management_url, model, management_key(key_file), timeout_s)
    except urllib.error.HTTPError as error:
        return f"management API answered {error.code}: {error.read()[:200]!r}"
    except (OSError, ValueError, KeyError, TypeError) as error:  # refused, timeout, unreadable key file or answer
        return f"{type(error).__name__}: {error}"
    return None if mode == "live" else not_ready_reason(description)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="probe.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("ready", "live"))
    parser.add_argument("--management-url", default=MANAGEMENT_URL)
    parser.add_argument("--model", default=MODEL)
    parser.add_argument(
        "--key-file", type=Path, default=KEY_FILE, help="TorchServe's key file (in its working directory)"
    )
    parser.add_argument("--timeout", type=float, default=3.0)
    args = parser.parse_args(argv)
    reason = check(args.mode, args.management_url.rstrip("/"), args.model, args.key_file, args.timeout)
    if reason:
        print(f"{args.mode}: {reason}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
