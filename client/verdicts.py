"""`python -m client VIDEO...`: ask a running TorchServe about videos, print verdicts.

A table for people (a progress bar on stderr when there are several files), `--json` for scripts
(one JSON object per file, in the order given). Exit status 1 when any file was refused or
could not be sent. `python -m client scan DIR --out results.csv` analyses a whole folder
and resumes where it stopped (client/scan.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from tqdm import tqdm

from client.answers import answer_body
from client.credentials import credentials_text

DEFAULT_URL = "http://127.0.0.1:8080"


def answer_of(response: httpx.Response) -> dict:
    """The server's JSON answer; errors in the {"error", "code"} shape (client/answers.py)."""
    return answer_body(response.status_code, response.content)


def post_video(client: httpx.Client, url: str, path: Path, headers: dict[str, str] | None = None) -> dict:
    """One file -> {"file", "status", and the server's answer}. The file is streamed, not read
    into memory. Raises OSError (unreadable file) and httpx.TransportError (no answer)."""
    with path.open("rb") as video:
        response = client.post(
            url, content=video, headers={"Content-Type": "application/octet-stream", **(headers or {})}
        )
    return {"file": str(path), "status": response.status_code, **answer_of(response)}


def classify(client: httpx.Client, url: str, path: Path) -> dict:
    """One file -> {"file", "status", and the server's answer or error}."""
    try:
        return post_video(client, url, path)
    except (OSError, httpx.HTTPError) as error:
        return {"file": str(path), "status": None, "error": str(error), "code": "client_error"}


def table(results: list[dict]) -> str:
    header = f"{'file':<40} {'label':<6} {'P(fake)':>8} {'conf.':>6} {'frames':>6} {'duration':>9}  note"
    rows = [header, "-" * len(header)]
    for result in results:
        name = Path(result["file"]).name[:40]
        if result.get("status") == 200:
            duration = result["video"].get("duration_s")
            rows.append(
                f"{name:<40} {result['label']:<6} {result['probability']:>8.3f} {result['confidence']:>6.2f} "
                f"{result['frames']['count']:>6} {f'{duration:.1f} s' if duration else '-':>9}  "
                f"{credentials_text(result.get('provenance'))}".rstrip()
            )
        else:
            rows.append(
                f"{name:<40} {'-':<6} {'-':>8} {'-':>6} {'-':>6} {'-':>9}  {result.get('code')}: {result.get('error')}"
            )
    return "\n".join(rows)


def main(argv: list[str] | None = None, prog: str = "python -m client") -> int:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=__doc__.split("\n\n")[0],
        epilog="Whole folders, resumable, to CSV/JSONL: python -m client scan DIR --out results.csv",
    )
    parser.add_argument("videos", nargs="+", type=Path)
    parser.add_argument("--url", default=DEFAULT_URL, help=f"TorchServe inference address (default {DEFAULT_URL})")
    parser.add_argument("--model", default="deepfake")
    parser.add_argument("--json", action="store_true", help="one JSON object per line instead of a table")
    parser.add_argument("--parallel", type=int, default=4, help="requests in flight (the server batches them)")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args(argv)
    url = f"{args.url.rstrip('/')}/predictions/{args.model}"
    progress = tqdm(total=len(args.videos), unit="video", file=sys.stderr, disable=len(args.videos) < 2)
    with httpx.Client(timeout=args.timeout) as client, ThreadPoolExecutor(max(1, args.parallel)) as pool:

        def one(path: Path) -> dict:
            result = classify(client, url, path)
            progress.update()
            return result

        results = list(pool.map(one, args.videos))
    progress.close()
    if args.json:
        print("\n".join(json.dumps(result) for result in results))
    else:
        print(table(results))
    return 0 if all(result.get("status") == 200 for result in results) else 1
