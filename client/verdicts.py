"""`python -m client VIDEO...`: ask a running TorchServe about videos, print verdicts.

A table for people (a progress bar on stderr when there are several files), `--json` for scripts
(one JSON object per file, in the order given). Exit status 1 when any file was refused or
could not be sent. Token auth: the inference key comes from TORCHSERVE_INFERENCE_KEY or
TorchServe's key_file.json (`--key-file`, default ./key_file.json). A request whose worker died
under it (TorchServe's 507, the proxy's 503 `worker_died`) is sent once more, after Retry-After.
`python -m client scan DIR --out results.csv` analyses a whole folder and resumes where it
stopped (client/scan.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from tqdm import tqdm

from client.answers import answer_body
from client.credentials import credentials_text
from client.keys import KEY_FILE_NAME, inference_headers

DEFAULT_URL = "http://127.0.0.1:8080"
WORKER_DIED_STATUS = 507  # TorchServe's answer to the requests a dying worker held
RETRY_AFTER_DEFAULT_S, RETRY_AFTER_MAX_S = 1.0, 10.0


def answer_of(response: httpx.Response) -> dict:
    """The server's JSON answer; errors in the {"error", "code"} shape (client/answers.py)."""
    return answer_body(response.status_code, response.content)


COVERAGE = {"coverage": "full"}


def torchserve_url(base: str, model: str, coverage: bool) -> str:
    """TorchServe's route for a prediction. Its /predictions route drops the query string (TorchServe
    0.12), so coverage requests go to /models/<model>/invoke, which hands it to the handler."""
    return f"{base.rstrip('/')}/models/{model}/invoke" if coverage else f"{base.rstrip('/')}/predictions/{model}"


def post_video(
    client: httpx.Client, url: str, path: Path, headers: dict[str, str] | None = None, params: dict | None = None
) -> dict:
    """One file -> {"file", "status", and the server's answer}, sent once more if its worker died.
    The file is streamed, not read into memory. Raises OSError (unreadable file) and
    httpx.TransportError (no answer)."""
    response = _post_file(client, url, path, headers, params)
    if worker_died(response):
        time.sleep(retry_after_s(response))  # TorchServe restarts the worker meanwhile; the others still serve
        response = _post_file(client, url, path, headers, params)
    return {"file": str(path), "status": response.status_code, **answer_of(response)}


def _post_file(
    client: httpx.Client, url: str, path: Path, headers: dict[str, str] | None, params: dict | None
) -> httpx.Response:
    with path.open("rb") as video:
        return client.post(
            url,
            content=video,
            headers={"Content-Type": "application/octet-stream", **(headers or {})},
            params=params or None,
        )


def worker_died(response: httpx.Response) -> bool:
    """The request was lost with its worker, not refused: TorchServe's 507, the proxy's 503 worker_died."""
    if response.status_code == WORKER_DIED_STATUS:
        return True
    return response.status_code == 503 and answer_of(response).get("code") == "worker_died"


def retry_after_s(response: httpx.Response) -> float:
    try:
        seconds = float(response.headers.get("retry-after", RETRY_AFTER_DEFAULT_S))
    except ValueError:
        seconds = RETRY_AFTER_DEFAULT_S
    return min(max(seconds, 0.0), RETRY_AFTER_MAX_S)


def classify(
    client: httpx.Client, url: str, path: Path, headers: dict[str, str] | None = None, params: dict | None = None
) -> dict:
    """One file -> {"file", "status", and the server's answer or error}."""
    try:
        return post_video(client, url, path, headers, params)
    except (OSError, httpx.HTTPError) as error:
        return {"file": str(path), "status": None, "error": str(error), "code": "client_error"}


def add_key_file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--key-file",
        type=Path,
        default=Path(KEY_FILE_NAME),
        help="TorchServe's key_file.json, for its inference key (default ./key_file.json; "
        "TORCHSERVE_INFERENCE_KEY wins; ignored while absent)",
    )


def table(results: list[dict]) -> str:
    """One row per file: the verdict (what to act on), calibrated P(fake), the label's confidence;
    then what the model was trained on, and a warning when it is a demo model."""
    header = f"{'file':<40} {'verdict':<19} {'P(fake)':>8} {'conf.':>6} {'frames':>6} {'duration':>9}  note"
    rows = [header, "-" * len(header)]
    models = {}
    for result in results:
        name = Path(result["file"]).name[:40]
        if result.get("status") == 200:
            duration = result["video"].get("duration_s")
            verdict = result.get("verdict", result["label"])  # a server from before verdicts: its label
            length = f"{duration:.1f} s" if duration else "-"
            row = (
                f"{name:<40} {verdict:<19} {result['probability']:>8.3f} {result['confidence']:>6.2f} "
                f"{result['frames']['count']:>6} {length:>9}  {notes_of(result)}"
            )
            rows.append(row.rstrip())
            model = result.get("model") or {}
            models[(model.get("name"), model.get("version"))] = model
        else:
            rows.append(
                f"{name:<40} {'-':<19} {'-':>8} {'-':>6} {'-':>6} {'-':>9}  {result.get('code')}: {result.get('error')}"
            )
    rows += [model_line(model) for model in models.values() if model.get("trained_on")]
    return "\n".join(rows)


def notes_of(result: dict) -> str:
    """The note column: why the verdict is not plain, then what Content Credentials say."""
    return "; ".join(note for note in (note_of(result), credentials_text(result.get("provenance"))) if note)


def note_of(result: dict) -> str:
    """Why a verdict is not a plain real/fake: unfamiliar content, or a probability near the threshold."""
    verdict = result.get("verdict")
    if verdict == "out_of_distribution":
        checked = result.get("in_distribution") or {}
        score, threshold = _number(checked.get("score")), _number(checked.get("threshold"))
        return f"unfamiliar: unlike the training videos (score {score} > {threshold})"
    if result.get("coverage", {}).get("mode") == "full":
        flagged = result["coverage"].get("flagged") or []
        spans = ", ".join(f"{start:.1f}-{end:.1f} s" for start, end in flagged[:3])
        windows = result["coverage"].get("windows")
        return f"{windows} windows; fake at {spans}" if flagged else f"{windows} windows, none fake"
    if verdict == "uncertain":
        return f"near the threshold {result.get('threshold')}"
    return ""


def _number(value) -> str:
    return f"{value:.4g}" if isinstance(value, (int, float)) else str(value)


def model_line(model: dict) -> str:
    line = f"model {model.get('name')} {model.get('version')}: trained on {model['trained_on']}"
    if model.get("demo"):
        line += " (a demo model: its verdicts say nothing about real videos)"
    return line


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
    parser.add_argument(
        "--coverage",
        action="store_true",
        help="analyse consecutive windows over each whole video (coverage=full): fake segments in the note",
    )
    add_key_file_option(parser)
    args = parser.parse_args(argv)
    url = torchserve_url(args.url, args.model, args.coverage)
    params = COVERAGE if args.coverage else None
    try:
        headers = inference_headers(args.key_file, dict(os.environ))
    except ValueError as error:
        parser.error(str(error))
    progress = tqdm(total=len(args.videos), unit="video", file=sys.stderr, disable=len(args.videos) < 2)
    with httpx.Client(timeout=args.timeout) as client, ThreadPoolExecutor(max(1, args.parallel)) as pool:

        def one(path: Path) -> dict:
            result = classify(client, url, path, headers, params)
            progress.update()
            return result

        results = list(pool.map(one, args.videos))
    progress.close()
    if args.json:
        print("\n".join(json.dumps(result) for result in results))
    else:
        print(table(results))
    return 0 if all(result.get("status") == 200 for result in results) else 1
