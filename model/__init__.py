"""The detector: frame sampling, preprocessing, network, checkpoint format and the one scoring function.

Pure PyTorch/NumPy/OpenCV/PyAV, no HTTP: errors carry a code (`errors.py`) and servers pick their
status from it. Training (`train/`), serving (`serving/`), the offline analysis (`analysis/`) and
the benchmarks all import this package and score through `inference.py`, so what the model sees
and answers when served is exactly what it saw and answered in training and evaluation.
"""
