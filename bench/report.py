"""The issue's targets as ratios of the measured figures, and the readable table (Markdown)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    name: str
    value: float | None
    limit: float
    at_most: bool  # True: value <= limit; False: value >= limit
    unit: str = "x"

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value <= self.limit if self.at_most else self.value >= self.limit

    def row(self) -> str:
        shown = "n/a" if self.value is None else f"{self.value:.2f}{self.unit}"
        relation = "<=" if self.at_most else ">="
        verdict = {True: "met", False: "NOT met", None: "not measured"}[self.met]
        return f"| {self.name} | {shown} | {relation} {self.limit:g}{self.unit} | {verdict} |"


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    return None if numerator is None or not denominator else numerator / denominator


def naive_seconds(video: dict) -> float | None:
    """The naive peer's time; when it ran out of memory, its decode-all time (a lower bound)."""
    return video.get("naive_decode_all_s") if video.get("naive_error") else video.get("naive_s")


def targets(results: dict) -> list[Target]:
    videos = results["sampling"]
    floor_s = in_process_floor_s(results["floor_10s_720p"])
    served = {(run["route"], run["concurrency"]): run for run in results.get("served", {}).get("load", [])}
    rss = results.get("served", {}).get("rss", {})
    best_in_process = max(results["throughput_10s_720p"].values())
    speedups = [ratio(naive_seconds(v), v["sample_s"]) for v in videos.values()]
    long, short = videos.get("10min_720p", {}), videos.get("10s_720p", {})
    return [
        Target(
            "served p50 at concurrency 1 / in-process floor (TorchServe)",
            ratio(served.get(("torchserve", 1), {}).get("p50_s"), floor_s),
            1.25,
            True,
        ),
        Target(
            "served p50 at concurrency 1 / in-process floor (proxy)",
            ratio(served.get(("proxy", 1), {}).get("p50_s"), floor_s),
            1.25,
            True,
        ),
        Target(
            "throughput at concurrency 8 / best in-process (TorchServe)",
            ratio(served.get(("torchserve", 8), {}).get("videos_per_s"), best_in_process),
            0.85,
            False,
        ),
        Target(
            "throughput at concurrency 8 / best in-process (proxy)",
            ratio(served.get(("proxy", 8), {}).get("videos_per_s"), best_in_process),
            0.85,
            False,
        ),
        Target(
            "worker RSS growth (peak - resting), 10 min minus 10 s video",
            difference(rss, "10min_720p", "10s_720p"),
            100,
            True,
            " MB",
        ),
        Target(
            "naive peer time / sampling time, 10 min video", ratio(naive_seconds(long), long.get("sample_s")), 5, False
        ),
        Target(
            "naive peer time / sampling time, slowest case over all videos",
            min((s for s in speedups if s), default=None),
            1,
            False,
        ),
        Target("sampling time, 10 min / 10 s video", ratio(long.get("sample_s"), short.get("sample_s")), 3, True),
    ]


def in_process_floor_s(floor: dict) -> float:
    """Decode + preprocess + forward, each at its fastest thread count (keys end in _<threads>t)."""
    steps = ("decode_s", "preprocess_s", "forward_s")
    return sum(min(value for key, value in floor.items() if key.startswith(step)) for step in steps)


def difference(rss: dict, long: str, short: str) -> float | None:
    if long not in rss or short not in rss:
        return None
    # Growth over the serving worker's own resting RSS: the two requests may land on different
    # workers, whose resting sizes differ by tens of MB.
    return growth_mb(rss[long]) - growth_mb(rss[short])


def growth_mb(rss: dict) -> float:
    return rss["peak_rss_mb"] - rss["resting_rss_mb"]


def markdown(results: dict) -> str:
    lines = [
        f"Machine: {results['machine']}",
        "",
        "### Targets",
        "",
        "| target | measured | goal | |",
        "|---|---|---|---|",
    ]
    lines += [target.row() for target in targets(results)]
    lines += [
        "",
        "### Sampling 16 frames vs the naive peer (medians)",
        "",
        "| video | size | frames | sample s | sample peak MB | naive s | naive peak MB | naive / sample |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, video in results["sampling"].items():
        naive = naive_seconds(video)
        note = (
            f" (out of memory at {video['naive_decoded']} frames; time = decode-all)"
            if video.get("naive_error")
            else ""
        )
        lines.append(
            f"| {name} | {video['size_mb']:.1f} MB | {video['frames_total']} | {video['sample_s']:.3f} "
            f"| {fmt(video['sample_peak_mb'], 0)} "
            f"| {fmt(naive)}{note} | {fmt(video['naive_peak_mb'], 0)} | {fmt(ratio(naive, video['sample_s']), 1)}x |"
        )
    lines += ["", "### In-process floor, 10 s 720p (suffix: torch threads)", ""]
    lines += [f"- floor (each step at its fastest): {in_process_floor_s(results['floor_10s_720p']):.3f} s"]
    lines += [f"- {key}: {value:.3f}" for key, value in results["floor_10s_720p"].items()]
    lines += [f"- {key}: {value:.2f}" for key, value in results["throughput_10s_720p"].items()]
    lines += ["", "### Levers: ResNet18 forward of 16 frames (median s)", ""]
    lines += [f"- {key}: {value:.3f}" for key, value in results["forward_levers"].items()]
    lines += [f"- bf16 P(fake) drift vs fp32, max over the shared videos: {max(results['bf16_drift'].values()):.5f}"]
    lines += served_markdown(results.get("served"))
    return "\n".join(lines) + "\n"


def served_markdown(served: dict | None) -> list[str]:
    if not served:
        return ["", "(served part skipped)"]
    lines = [
        "",
        f"### Served 10 s 720p ({served['setup']}; medians over runs)",
        "",
        "| route | concurrency | requests x runs | p50 s | p95 s | videos/s |",
        "|---|---|---|---|---|---|",
    ]
    for run in served["load"]:
        lines.append(
            f"| {run['route']} | {run['concurrency']} | {run['requests']} x {run['runs']} "
            f"| {run['p50_s']:.3f} | {run['p95_s']:.3f} | {run['videos_per_s']:.2f} |"
        )
    lines += [
        "",
        "| video | worker resting RSS MB | worker peak RSS MB | growth MB | latency s |",
        "|---|---|---|---|---|",
    ]
    for name, rss in served["rss"].items():
        lines.append(
            f"| {name} | {rss['resting_rss_mb']:.0f} | {rss['peak_rss_mb']:.0f} | {growth_mb(rss):.0f} "
            f"| {rss['latency_s']:.2f} |"
        )
    return lines


def fmt(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"
