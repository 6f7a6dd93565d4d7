# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
# Each creates .venv with the project's dependencies when it is missing or stale.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
STORE ?= data/store

.PHONY: demo test test-all lab bench venv system-deps clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m ipykernel install --sys-prefix --name nps-reports --display-name "Python (nps-reports)" >/dev/null
	touch $@

venv: $(STAMP)

# Debian packages the browser, validator and PDF tests need (chromium, java, poppler).
system-deps:
	bash scripts/system-deps.sh

demo: venv
	$(VENV)/bin/nps-report demo --store $(STORE)

test: venv system-deps
	$(PY) -m pytest -q

test-all: venv system-deps
	$(PY) -m pytest -q -m ''

lab: venv
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

bench: venv
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) data outputs/*/ bench/results/*.json
