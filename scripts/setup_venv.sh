#!/usr/bin/env bash
# Creates .venv and installs exactly what requirements.txt pins; skipped when already done
# for this requirements.txt (a stamp holds its hash).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"
STAMP=.venv/.requirements.sha256
WANT="$(sha256sum requirements.txt | cut -d' ' -f1)"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
    echo "venv: up to date"
    exit 0
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements.txt

# TorchServe's launcher needs TS_CONFIG_FILE to take model_store= from config.properties, so the
# bare `torchserve --start --models deepfake.mar` works in an activated environment.
if ! grep -q TS_CONFIG_FILE .venv/bin/activate; then
    echo "export TS_CONFIG_FILE=\"$REPO/config.properties\"" >> .venv/bin/activate
fi
echo "$WANT" > "$STAMP"
echo "venv: installed"
