# Set-up and everyday commands. `make site` builds the example schools' sites into site/;
# `make test` installs everything the tests need (Python extras, Chromium, poppler, axe-core)
# and runs the static checks and the whole suite. Both work on a fresh Debian machine with Python 3.11+.
# `make check` is the fast tier to run while editing: ruff, mypy and the in-process tests (tests/unit).
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
APT_PACKAGES := chromium poppler-utils fonts-dejavu-core libreoffice-writer-nogui

.PHONY: site test check lint system-deps bench-deps bench

site: $(BIN)/policy-site
	$(BIN)/policy-site build

test: lint system-deps tests/node_modules/axe-core/axe.min.js
	$(BIN)/python -m pytest

check: lint
	FUZZ_EXAMPLES=40 $(BIN)/python -m pytest -q tests/unit

lint: $(VENV)/.test-extras
	$(BIN)/ruff check .
	$(BIN)/mypy

$(BIN)/policy-site: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-extras: $(BIN)/policy-site pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		$$(command -v sudo >/dev/null && [ "$$(id -u)" != 0 ] && echo sudo) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$(command -v sudo >/dev/null && [ "$$(id -u)" != 0 ] && echo sudo) \
			apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

tests/node_modules/axe-core/axe.min.js:
	npm install --silent --no-save --no-audit --no-fund --prefix tests axe-core@4

# Debian's hugo, for the bench's Hugo arm, and the typst package, for bench/pdf_engines.py (the tests need neither)
bench-deps: $(BIN)/policy-site
	@$(MAKE) --no-print-directory system-deps APT_PACKAGES=hugo
	$(BIN)/pip install --quiet 'typst>=0.15,<0.16'

bench: $(BIN)/policy-site bench-deps
	$(BIN)/python bench/bench.py --quick
