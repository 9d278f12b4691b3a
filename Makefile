# Set-up is part of every target: a fresh machine needs only python3 (3.10+) and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_VENV  := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed
SHARED ?= ../shared
JOBS   ?= 1

.PHONY: setup clean-all test check-large bench goldens distclean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# raw/ -> clean/: one JSON per page, a progress line per page, a summary and clean/manifest.json
clean-all: $(STAMP)
	$(BIN)/python -m pipeline clean raw -o clean --jobs $(JOBS)

test: $(STAMP)
	$(BIN)/python -m pytest

# Large and hostile pages (a gzip bomb, 50 million empty lines, a 50 MB text page, a million <p>, ...)
# through the CLI, each checked for finishing within a generous time-out and under a peak-memory
# bound; a few minutes on 2 cores. Not part of `make test` (tools/, not tests/).
check-large: $(STAMP)
	$(BIN)/python tools/check_large.py

# Rewrite the golden files under tests/golden after an intended change; review `git diff tests/golden`.
goldens: $(STAMP)
	$(BIN)/python -m tests.golden_update

# Quality and speed against the anchors, in a separate environment (anchors are never dependencies).
$(BENCH_STAMP): pyproject.toml constraints.txt
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install -q -e . -r $(SHARED)/bench/requirements-anchors.txt
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python $(SHARED)/bench/bench.py --anchors trafilatura,justext,readability,ftfy

distclean:
	rm -rf $(VENV) $(BENCH_VENV) clean/*.json clean/.templates.json
