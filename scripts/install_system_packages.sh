#!/usr/bin/env bash
# Installs the Debian packages the project needs, skipping what is already there.
#   ffmpeg       - makes H.264 test videos (pip OpenCV cannot encode H.264)
#   chromium     - real headless browser for the upload-page and extension tests
#   libdlib19.1  - ships real face photos (examples/faces) used by the synthetic demo data
#   mate-backgrounds, ukui-wallpapers - real photographs (nature, city, abstract) for the demo
#                  data's genuine content: ukui's are held out of training (train/synth/catalog.py)
#   a JDK        - TorchServe's frontend is Java
set -euo pipefail

missing=()
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
command -v chromium >/dev/null || missing+=(chromium)
command -v java >/dev/null || missing+=(default-jre-headless)
[ -d /usr/share/doc/libdlib19.1/examples/faces ] || missing+=(libdlib19.1)
[ -d /usr/share/backgrounds/mate ] || missing+=(mate-backgrounds)
[ -f /usr/share/backgrounds/city.png ] || missing+=(ukui-wallpapers)

if [ ${#missing[@]} -eq 0 ]; then
    echo "system packages: all present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "system packages: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
