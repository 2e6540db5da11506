"""Synthetic paired real/fake clips for the demo model and for tests (`python -m train.synth`)."""
