"""Offline analysis of a trained checkpoint: explanations with a contact sheet, sanity checks, evaluation.

Nothing here is packed into the .mar. `python -m analysis.explain_video` (Grad-CAM of one video,
PNGs + contact sheet), `analysis.sanity` (model parameter randomisation test),
`analysis.pointing_game` (does Grad-CAM point at the synthetic manipulation?),
`analysis.robustness` (validation ROC-AUC per compression level), `analysis.evaluate` (a checkpoint on
any labelled folder; its figures in `analysis.evaluation`).
"""
