"""Build the .mar and run the stack: `python -m stack.archive` packs a checkpoint, `python -m stack.serve` serves it.

`archive` (checkpoint -> model_store/deepfake.mar), `torchserve_process` (start, wait for and stop
a TorchServe the way a user runs it), `serve` (TorchServe + the proxy: what `make serve` runs),
`pod_config` (the Java-properties merge a pod starts with) and `probe` (the pod's probes); the
last two use the standard library only and run by path in the container.
"""
