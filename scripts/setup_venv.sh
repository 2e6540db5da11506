#!/usr/bin/env bash
# Creates .venv and installs exactly what requirements.txt and requirements-nodeps.txt pin;
# skipped when already done for these files (a stamp holds their hash).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"
STAMP=.venv/.requirements.sha256
WANT="$(cat requirements.txt requirements-nodeps.txt | sha256sum | cut -d' ' -f1)"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
    echo "venv: up to date"
    exit 0
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements.txt
# Packages whose metadata pins old versions of what we run (facenet-pytorch: torch<2.3).
.venv/bin/python -m pip install -q --no-deps -r requirements-nodeps.txt

# TorchServe's launcher needs TS_CONFIG_FILE to take model_store= from config.properties, so the
# bare `torchserve --start --models deepfake.mar` works in an activated environment.
if ! grep -q TS_CONFIG_FILE .venv/bin/activate; then
    echo "export TS_CONFIG_FILE=\"$REPO/config.properties\"" >> .venv/bin/activate
fi
echo "$WANT" > "$STAMP"
echo "venv: installed"
