"""The detector itself: frame sampling, preprocessing, network and checkpoint format.

Pure PyTorch/NumPy/OpenCV/PyAV. Training (`train/`) and serving (`serving/`) both import this
package, so what the model sees when served is exactly what it saw in training.
"""
