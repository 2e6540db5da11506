"""Write the config.properties TorchServe runs with in a pod: the repository's file plus the pod's overrides.

`python /app/stack/pod_config.py BASE OVERRIDES > OUT` (the container's start command). A key of
OVERRIDES replaces that key's line in BASE, so the file keeps one line per key and every reader
(the Java frontend, torchserve's Python launcher, the handler's settings) sees the same value;
keys BASE lacks are appended. Comments and order of BASE are kept. Standard library only.
"""

from __future__ import annotations

import sys
from pathlib import Path


def property_key(line: str) -> str | None:
    """The key of a `key=value` line, None for comments and blank lines."""
    if line.lstrip().startswith(("#", "!")) or "=" not in line:
        return None
    return line.split("=", 1)[0].strip()


def properties(text: str) -> dict[str, str]:
    """key -> value (the last one, as Java's Properties reads a repeated key)."""
    return {key: line.split("=", 1)[1].strip() for line in text.splitlines() if (key := property_key(line))}


def merge_properties(base: str, overrides: str) -> str:
    """BASE with the key=value lines of the OVERRIDES file (the pod's command)."""
    return merge_settings(
        base, properties(overrides), "# --- Kubernetes pod overrides (deploy/pod-config/pod.properties)"
    )


def merge_settings(base: str, replacing: dict[str, str], added_heading: str) -> str:
    """BASE with each key of `replacing` set in place; keys BASE lacks go at the end under `added_heading`."""
    merged, seen = [], set()
    for line in base.splitlines():
        key = property_key(line)
        if key in replacing:
            if key in seen:
                continue  # a repeated key in BASE: one line, the override's
            line = f"{key}={replacing[key]}"
            seen.add(key)
        merged.append(line)
    added = [f"{key}={value}" for key, value in replacing.items() if key not in seen]
    if added:
        merged += ["", added_heading, *added]
    return "\n".join(merged) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: pod_config.py BASE_CONFIG OVERRIDES > OUT", file=sys.stderr)
        return 2
    base, overrides = (Path(name).read_text(encoding="utf-8") for name in argv)
    sys.stdout.write(merge_properties(base, overrides))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
