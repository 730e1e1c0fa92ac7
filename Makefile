# Compute Atlas developer entry points. Every target that needs the venv bootstraps first
# (build_scripts/bootstrap.sh: idempotent, sub-second when nothing changed), so each works from
# a clean clone, as root with no display (CI runs `make test` via .ci/run).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

VENV := .venv
PY := $(VENV)/bin/python
BOOTSTRAP := bash build_scripts/bootstrap.sh

.PHONY: help bootstrap run test lint screenshots bench dist dist-onefile dist-test clean distclean

help:
	@echo "make run          open the app on the built-in sample (headless demo if no display)"
	@echo "make test         pytest (Qt offscreen) + ruff + lint-imports + mypy + dist-test: what CI runs"
	@echo "make lint         ruff check + lint-imports + mypy (pyproject.toml [tool.importlinter], [tool.mypy])"
	@echo "make screenshots  render screenshots offscreen (build_scripts/screenshots.py)"
	@echo "make bench        run every benchmarks/*.py"
	@echo "make dist         standalone binary: dist/compute-atlas/ (onedir) + a .tar.gz of it"
	@echo "make dist-onefile standalone binary as one file: dist/onefile/compute-atlas"
	@echo "make dist-test    build the onedir binary (cached) and smoke-test it offscreen"
	@echo "make clean        remove caches and build output (keeps .venv)"
	@echo "make distclean    clean + remove .venv"

bootstrap:
	@$(BOOTSTRAP)

run:
	@$(BOOTSTRAP) --gui
	@if [ -z "$${DISPLAY:-}" ] && [ -z "$${WAYLAND_DISPLAY:-}" ]; then \
		echo "make run: no display (DISPLAY and WAYLAND_DISPLAY unset): running the headless demo"; \
		$(VENV)/bin/compute-atlas --headless-demo; \
	else \
		$(VENV)/bin/compute-atlas; \
	fi

test: bootstrap
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(MAKE) --no-print-directory dist-test

lint: bootstrap
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

screenshots: bootstrap
	QT_QPA_PLATFORM=offscreen $(PY) build_scripts/screenshots.py

bench: bootstrap
	@shopt -s nullglob; files=(benchmarks/*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "make bench: no benchmarks/*.py"; exit 0; fi; \
	for f in "$${files[@]}"; do echo "== $$f"; $(PY) "$$f"; done

# PyInstaller (build_scripts/build.py); its cache stays in build/, so an unchanged tree
# rebuilds in seconds.
dist: bootstrap
	$(PY) build_scripts/build.py --archive

dist-onefile: bootstrap
	$(PY) build_scripts/build.py --onefile

dist-test: bootstrap
	$(PY) build_scripts/smoke_test.py

clean:
	rm -rf build dist .pytest_cache .ruff_cache .mypy_cache .hypothesis .grimp_cache .import_linter_cache *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
