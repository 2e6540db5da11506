"""The TorchServe custom handler for the deepfake detector (predict + explain).

`deepfake_handler.py` is the entry point TorchServe loads; the other modules each do one step:
`settings` (limits and threads), `inputs` (request bodies -> frames), `scoring` (batched
forward), `responses` (answer JSON), `serving_metrics` (Prometheus metrics), `gradcam` and
`heatmaps` (explanations). Everything model-side (decoding, sampling, preprocessing, the
network) comes from the `model` package, packed into the same .mar.
"""
