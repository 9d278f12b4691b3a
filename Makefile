# Set-up is part of every target: a fresh machine needs only python3 (3.10+) and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_VENV  := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed
SHARED ?= ../shared
JOBS   ?= 1

BROWSER_STAMP := $(VENV)/.browser-installed
CHROMIUM := /usr/bin/chromium

.PHONY: setup clean-all report test test-browser check-large check-corpus check-install bench goldens distclean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# raw/ -> clean/: one JSON per page, a progress bar (a line per page with --verbose), a summary and
# clean/manifest.json.
# clean/ mirrors raw/: --prune removes the JSON an earlier run wrote for pages no longer in raw/
# (only files the previous manifest lists as this tool's output; anything else in clean/ stays).
# Incremental: a page whose bytes, rules, pipeline, options and site template lines are those its JSON
# was written with keeps that JSON untouched; FORCE=1 cleans every page again.
clean-all: $(STAMP)
	$(BIN)/python -m pipeline clean raw -o clean --jobs $(JOBS) --prune $(if $(FORCE),--force)

# clean/ -> report/: a static site (report/index.html, a page view per page) of what was kept and
# removed, by which rule and why; opens from disk, offline.
report: $(STAMP)
	$(BIN)/python -m pipeline report clean -o report

test: $(STAMP)
	$(BIN)/python -m pytest

# The report in a real browser: Debian's chromium and chromium-driver (installed here when missing;
# as root, as on CI) driven by Selenium (the `browser` extra), on a report of the seed pages.
# Screenshots go to $(REPORT_SHOTS) when set.
$(BROWSER_STAMP): $(STAMP)
	@if [ ! -x $(CHROMIUM) ] || [ ! -x /usr/bin/chromedriver ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; fi
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test,browser]'
	touch $(BROWSER_STAMP)

test-browser: $(BROWSER_STAMP)
	$(BIN)/python -m pytest tests_browser

# Every page of every benchmark set (and the seeds) through clean: each failure (an exception, or
# a result that fails the checks of tests/page_checks.py) is printed with its page; none is allowed.
check-corpus: $(STAMP)
	$(BIN)/python tools/check_corpus.py --sets $(SHARED)/bench/sets --jobs $(or $(CHECK_JOBS),2)

# A plain (not editable) `pip install .` into a throw-away venv: the default rules are found and
# both `python -m pipeline` and the `pipeline` command clean the seed pages from another folder,
# byte-identical to this checkout's output. Downloads the dependencies: a minute or so.
check-install: $(STAMP)
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install -q -c constraints.txt .; \
	cp -R raw "$$tmp/src"; \
	(cd "$$tmp" && venv/bin/python -c 'import pipeline.rules as r; f = r.DEFAULT_RULES; assert f.is_file() and f.parent.name == "pipeline" and "site-packages" in str(f), f'); \
	(cd "$$tmp" && venv/bin/python -m pipeline clean src -o out-module -q); \
	(cd "$$tmp" && venv/bin/pipeline clean src -o out-command -q); \
	(cd "$$tmp" && PYTHONPATH="$(CURDIR)" $(abspath $(BIN))/python -m pipeline clean src -o out-checkout -q); \
	diff -r "$$tmp/out-module" "$$tmp/out-command"; \
	diff -r "$$tmp/out-module" "$$tmp/out-checkout"; \
	echo "check-install: ok (installed package finds its rules; python -m pipeline and pipeline agree with the checkout)"

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
	rm -rf $(VENV) $(BENCH_VENV) clean/*.json clean/.templates.json report
