"""`python -m client scan DIR --out results.csv`: every video under DIR through a running server.

Walks DIR recursively for video files (by extension; `--all-files` sends every file and lets the
server judge), posts them to TorchServe (`--url`) or to the proxy (`--proxy-url`) with a few
requests in flight, and appends one record per file to the output (CSV or JSONL by extension),
flushed as it arrives. Run it again and it skips every file already in the output: refused files
too, unless `--retry-errors`. Files that got no answer (timeout, server gone) are not recorded,
so the next run sends them. Exit status: 0 every file scanned, 1 some refused or not sent,
2 the scan could not start or go on (server unreachable, unusable output), 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import queue
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import httpx
from tqdm import tqdm

from client.scan_results import ResultsError, ResultsWriter, latest_status, output_format, read_records, rewrite
from client.verdicts import DEFAULT_URL, answer_of, post_video
from model.media_types import VIDEO_SUFFIXES

# Answers that say the server, not the file, is at fault (down, no READY worker, queue full, key or
# model gone): stop, rather than record them for every remaining file. TorchServe's own error types
# (as client/answers.py names them) and the proxy's codes. A worker failing on a file
# (internal_server) is recorded.
SERVER_DOWN_CODES = frozenset(
    {
        "service_unavailable",
        "no_ready_worker",
        "torchserve_unavailable",
        "torchserve_unauthorized",
        "torchserve_connection_error",
        "invalid_key",
        "model_not_found",
    }
)
KEY_ENVIRONMENT = "TORCHSERVE_INFERENCE_KEY"  # the name the proxy reads too
SHOWN_REFUSALS = 10


class ScanError(RuntimeError):
    """The scan cannot start or go on; the message says why."""


@dataclass(frozen=True)
class Target:
    name: str
    predict_url: str
    check_method: str  # a cheap request that crosses the same path as a prediction
    check_url: str
    check_json: dict | None = None


def target_of(args: argparse.Namespace) -> Target:
    if args.proxy_url:
        base = args.proxy_url.rstrip("/")
        return Target("the proxy", f"{base}/api/predict", "GET", f"{base}/api/model")
    url = f"{args.url.rstrip('/')}/predictions/{args.model}"
    return Target("TorchServe", url, "POST", url, {"describe": True})  # the handler answers the model's metadata


def check_server(client: httpx.Client, target: Target, headers: dict[str, str]) -> dict:
    """The served model's description, or ScanError saying what is wrong before any file is sent."""
    try:
        response = client.request(
            target.check_method, target.check_url, json=target.check_json, headers=headers, timeout=60
        )
    except httpx.TransportError as error:
        raise ScanError(
            f"cannot reach {target.name} at {target.check_url} ({error}): is it started? (`make serve`)"
        ) from None
    answer = answer_of(response)
    if response.status_code != 200:
        hint = ""
        if answer.get("code") == "invalid_key":
            hint = (
                f"; token auth is on: set {KEY_ENVIRONMENT} to the inference key of key_file.json, or use --proxy-url"
            )
        raise ScanError(
            f"{target.name} at {target.check_url} answered {response.status_code} {answer.get('code')}: "
            f"{answer.get('error')}{hint}"
        )
    return answer.get("model", answer)  # TorchServe: {"model": {...}}; the proxy's /api/model is the description


def find_videos(folder: Path, every_file: bool, excluded: Path) -> list[Path]:
    """Files under folder, sorted, hidden ones skipped (`.DS_Store`, macOS `._clip.mp4` forks)."""
    if not folder.is_dir():
        raise ScanError(f"{folder} is not a folder")
    found = []
    for root, folders, names in os.walk(folder):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        paths = (Path(root, name).absolute() for name in sorted(names) if not name.startswith("."))
        found += [path for path in paths if (every_file or path.suffix.lower() in VIDEO_SUFFIXES) and path != excluded]
    return found


@dataclass
class Unsent:
    """A file that got no answer: not recorded, so the next run sends it again."""

    file: str
    reason: str
    server_down: bool


def send(client: httpx.Client, target: Target, headers: dict[str, str], path: Path) -> dict | Unsent:
    try:
        answer = post_video(client, target.predict_url, path, headers)
    except OSError as error:  # the file itself: record it, like a refusal
        answer = {"file": str(path), "status": None, "error": str(error), "code": "unreadable_file"}
    except httpx.TransportError as error:
        return Unsent(
            str(path), f"{type(error).__name__}: {error}", isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout))
        )
    if answer.get("code") in SERVER_DOWN_CODES:
        return Unsent(str(path), f"{answer['code']}: {answer.get('error')}", server_down=True)
    return {
        "file": answer.pop("file"),
        "status": answer.pop("status"),
        "scanned_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **answer,
    }


def in_parallel(work: Callable[[Path], object], paths: list[Path], concurrency: int) -> Iterator[object]:
    """work(path) for every path, at most `concurrency` at a time, yielded as they finish. Daemon
    threads: Ctrl-C or a stop ends the scan at once, the files in flight are simply not recorded."""
    todo: queue.Queue = queue.Queue()
    done: queue.Queue = queue.Queue()

    def worker() -> None:
        while (path := todo.get()) is not None:
            try:
                done.put(work(path))
            except BaseException as error:  # noqa: BLE001 (handed to the main thread, never lost in a thread)
                done.put(error)

    for _ in range(concurrency):
        threading.Thread(target=worker, daemon=True).start()
    waiting = iter(paths)
    in_flight = 0
    try:
        for path in islice(waiting, concurrency):
            todo.put(path)
            in_flight += 1
        while in_flight:
            outcome = done.get()
            in_flight -= 1
            if isinstance(outcome, BaseException):
                raise outcome
            yield outcome
            for path in islice(waiting, 1):
                todo.put(path)
                in_flight += 1
    finally:
        for _ in range(concurrency):
            todo.put(None)  # each thread ends after its current file


@dataclass
class Tally:
    counts: Counter = field(default_factory=Counter)
    refused: list[dict] = field(default_factory=list)
    unsent: list[Unsent] = field(default_factory=list)
    stopped: str = ""

    def add(self, outcome: dict | Unsent) -> None:
        if isinstance(outcome, Unsent):
            self.unsent.append(outcome)
            self.counts["not sent"] += 1
        elif outcome["status"] == 200:
            self.counts[outcome.get("label", "?")] += 1
        else:
            self.refused.append(outcome)
            self.counts["refused"] += 1


def run(
    args: argparse.Namespace, target: Target, headers: dict[str, str], todo: list[Path], writer: ResultsWriter
) -> Tally:
    tally = Tally()
    progress = tqdm(total=len(todo), unit="video", file=sys.stderr, disable=args.no_progress)
    with progress, httpx.Client(timeout=httpx.Timeout(args.timeout, connect=10.0)) as client:
        for outcome in in_parallel(lambda path: send(client, target, headers, path), todo, max(1, args.concurrency)):
            if isinstance(outcome, dict):
                writer.write(outcome)
            tally.add(outcome)
            progress.update()
            progress.set_postfix(tally.counts, refresh=False)
            if isinstance(outcome, Unsent) and outcome.server_down:
                tally.stopped = f"{target.name} stopped answering ({outcome.reason})"
                break
    return tally


def summary(tally: Tally, out: Path, seconds: float) -> str:
    counts = ", ".join(f"{count} {name}" for name, count in sorted(tally.counts.items()))
    lines = [f"{tally.counts.total()} files in {seconds:.1f} s: {counts}; results in {out}"]
    lines += [
        f"  refused {Path(r['file']).name}: {r.get('code')}: {r.get('error')}" for r in tally.refused[:SHOWN_REFUSALS]
    ]
    if len(tally.refused) > SHOWN_REFUSALS:
        lines.append(f"  ... and {len(tally.refused) - SHOWN_REFUSALS} more refused")
    if tally.refused:
        lines.append("refused files are recorded and skipped next time; --retry-errors sends them again")
    lines += [f"  not sent {Path(u.file).name}: {u.reason}" for u in tally.unsent[:SHOWN_REFUSALS]]
    if tally.unsent or tally.stopped:
        lines.append("files not sent are not recorded: run the same command again to send them")
    return "\n".join(lines)


def scan(args: argparse.Namespace) -> int:
    out = args.out.absolute()
    output_format(out)  # refuse a bad extension before any work
    target = target_of(args)
    key = os.environ.get(KEY_ENVIRONMENT)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    videos = find_videos(args.folder, args.all_files, out)
    records = read_records(out)
    recorded = latest_status(records)
    todo = [path for path in videos if str(path) not in recorded or (args.retry_errors and recorded[str(path)] != 200)]
    print(
        f"{len(videos)} files under {args.folder}: {len(videos) - len(todo)} already in {out}, {len(todo)} to scan",
        flush=True,
    )
    if not todo:
        return 0
    with httpx.Client(timeout=60) as client:
        model = check_server(client, target, headers)
    print(
        f"model {model.get('name', args.model)} {model.get('version', '?')} via {target.name} at {target.predict_url}",
        flush=True,
    )
    retried = {str(path) for path in todo} & set(recorded)
    if retried:  # one record per file: drop the old refusals that are sent again
        rewrite(out, [record for record in records if record["file"] not in retried])
    started = time.monotonic()
    with ResultsWriter(out) as writer:
        tally = run(args, target, headers, todo, writer)
    print(summary(tally, out, time.monotonic() - started))
    if tally.stopped:
        raise ScanError(tally.stopped)
    return 1 if tally.refused or tally.unsent else 0


def parse_args(argv: list[str] | None, prog: str = "python -m client scan") -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="folder to walk (recursively)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("scan_results.csv"),
        help="results file, .csv or .jsonl (default scan_results.csv)",
    )
    server = parser.add_mutually_exclusive_group()
    server.add_argument("--url", default=DEFAULT_URL, help=f"TorchServe inference address (default {DEFAULT_URL})")
    server.add_argument(
        "--proxy-url", help="go through the proxy instead, e.g. http://127.0.0.1:8000 (posts to /api/predict)"
    )
    parser.add_argument("--model", default="deepfake", help="model name on TorchServe")
    parser.add_argument(
        "--concurrency", type=int, default=4, help="requests in flight (default 4: the server batches them)"
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for one answer")
    parser.add_argument(
        "--all-files", action="store_true", help="send every file, not only video extensions (the server judges)"
    )
    parser.add_argument("--retry-errors", action="store_true", help="send again the files recorded with an error")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None, prog: str = "python -m client scan") -> int:
    args = parse_args(argv, prog)
    try:
        return scan(args)
    except (ScanError, ResultsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\ninterrupted: finished files are in {args.out}; run the same command again to go on", file=sys.stderr)
        return 130
