"""Packages a checkpoint into `model_store/deepfake.mar` (`python -m archive`) and serves it
(`python -m archive.serve`)."""
