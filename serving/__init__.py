"""What the .mar carries besides `model/`: the TorchServe handler (predict + explain) and its steps.

`deepfake_handler.py` is the entry point TorchServe loads; the other modules each do one step:
`settings` (limits and threads), `core_share` (threads per batch), `inputs` (request bodies ->
frames), `batch` (a batch's requests between the steps), `responses` (answer JSON), `metrics`
(Prometheus metrics), `provenance` and `provenance_process` (the upload's C2PA Content
Credentials), `gradcam`, `heatmaps` and `explanations` (the explanation block). Everything
model-side (decoding, sampling, preprocessing, the network, scoring: `model.inference`) comes
from the `model` package, packed into the same .mar.
"""
