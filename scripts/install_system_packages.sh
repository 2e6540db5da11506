#!/usr/bin/env bash
# Installs the Debian packages the project needs, skipping what is already there.
#   ffmpeg       - makes H.264 test videos (pip OpenCV cannot encode H.264)
#   chromium     - real headless browser for the upload-page and extension tests
#   libdlib19.1  - ships real face photos (examples/faces) used by the synthetic demo data
#   mate-backgrounds, ukui-wallpapers - real photographs (nature, city, abstract) for the demo
#                  data's genuine content: ukui's are held out of training (train/synth/catalog.py)
#   a JDK        - TorchServe's frontend is Java
#   prometheus   - for promtool, Prometheus's own linter, run on TorchServe's /metrics by the tests
#                  (the package also ships the server: stopped and disabled below if it started)
set -euo pipefail

missing=()
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
command -v chromium >/dev/null || missing+=(chromium)
command -v java >/dev/null || missing+=(default-jre-headless)
[ -d /usr/share/doc/libdlib19.1/examples/faces ] || missing+=(libdlib19.1)
[ -d /usr/share/backgrounds/mate ] || missing+=(mate-backgrounds)
[ -f /usr/share/backgrounds/city.png ] || missing+=(ukui-wallpapers)
command -v promtool >/dev/null || missing+=(prometheus)

if [ ${#missing[@]} -eq 0 ]; then
    echo "system packages: all present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "system packages: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Where services may start, Debian's package starts its server (port 9090 on every interface):
# the project needs only promtool.
if [[ " ${missing[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null \
    && systemctl is-active --quiet prometheus 2>/dev/null; then
    $SUDO systemctl disable --now prometheus
fi
