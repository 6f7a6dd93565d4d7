# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
# Each creates .venv with the project's dependencies when it is missing or stale.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
STORE ?= data/store
# Extra options for JupyterLab, e.g. make lab LAB_ARGS="--no-browser --port 8899".
LAB_ARGS ?=
# JupyterLab refuses to run as root unless told; containers often run as root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: demo test test-all lab bench venv system-deps clean

$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m ipykernel install --sys-prefix --name nps-reports --display-name "Python (nps-reports)" \
		--env PYDEVD_DISABLE_FILE_VALIDATION 1 >/dev/null
	touch $@

venv: $(STAMP)

# Debian packages the browser, validator and PDF tests need (chromium, java, poppler).
system-deps:
	bash scripts/system-deps.sh

demo: venv
	$(VENV)/bin/nps-report demo --store $(STORE)

# mypy first: a type error fails in seconds, before the suite's minutes.
test: venv system-deps
	$(PY) -m mypy
	$(PY) -m pytest -q

test-all: venv system-deps
	$(PY) -m mypy
	$(PY) -m pytest -q -m ''

lab: venv
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(ALLOW_ROOT) $(LAB_ARGS)

bench: venv
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) data outputs/*/ bench/results/*.json
