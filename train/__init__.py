"""Training: dataset readers, splits, frame cache, the training loop, report, synthetic demo data."""
