# The two commands: `make serve` and `make test`. Everything else is a step they call.
SHELL := /bin/bash
PY := .venv/bin/python
CHECKPOINT := checkpoints/deepfake.pth
MAR := model_store/deepfake.mar
# pytest workers for `make test`, each running whole test files (module fixtures are built once).
TEST_WORKERS ?= 2
SERVING_SOURCES := $(shell find model serving stack -name '*.py' 2>/dev/null)

.PHONY: help setup model archive serve lint test test-fast test-js bench clean

help:
	@echo "make serve      set up, build the demo model if missing, serve TorchServe + proxy"
	@echo "make test       set up and run the whole suite (Python + extension JS)"
	@echo "make test-fast  lint + unit tests only (pure logic, seconds)"
	@echo "make lint       ruff check + ruff format --check (pyproject.toml), seconds"
	@echo "make model      train the demo model on synthetic data -> $(CHECKPOINT) (DEMO_TIME_LIMIT=seconds)"
	@echo "make archive    package $(CHECKPOINT) -> $(MAR)"
	@echo "make bench      benchmarks (medians) -> bench/results/"

setup:
	@scripts/install_system_packages.sh
	@scripts/setup_venv.sh

# Synthetic demo data + training; see train/README.md for the recipe and its measured figures.
# DEMO_TIME_LIMIT: seconds of training (empty: train.demo's default, 20 minutes); 720 gives a first
# `make serve` about 9 minutes sooner and a weaker model (README, "the frontier").
DEMO_TIME_LIMIT ?=
$(CHECKPOINT):
	$(MAKE) setup
	$(PY) -m train.demo --out $(CHECKPOINT) $(if $(DEMO_TIME_LIMIT),--time-limit $(DEMO_TIME_LIMIT))

model: $(CHECKPOINT)

# Rebuilt when the checkpoint or any code packed into the archive is newer than the .mar.
$(MAR): $(CHECKPOINT) $(SERVING_SOURCES)
	$(PY) -m stack.archive --checkpoint $(CHECKPOINT) --export-path model_store

archive: setup $(MAR)

serve: setup $(MAR)
	$(PY) -m stack.serve

# Lint first: seconds, and it fails before minutes of tests. `ruff check --fix` and `ruff format`
# mend most of what it finds.
lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: setup lint
	node --test extension/test/
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

test-fast: setup lint
	$(PY) -m pytest tests/unit

test-js:
	node --test extension/test/

bench: setup
	$(PY) -m bench

clean:
	rm -rf model_store logs artifacts .pytest_cache
