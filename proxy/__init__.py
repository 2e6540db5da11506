"""The /api gateway in front of TorchServe (see proxy/README.md). Talks HTTP only; imports nothing of the model."""
