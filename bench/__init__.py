"""Benchmarks: the served path against its in-process floor and a naive peer. `make bench`."""
