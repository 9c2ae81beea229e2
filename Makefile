# Two commands do all set-up: `make lab` and `make test`. Both create .venv when it is missing
# and install the project with the exact tested versions from constraints.txt.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
JUPYTER_ARGS ?=
PYTEST_ARGS ?=
NBVAL := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: install lab test unit notebooks-test e2e html bench bench-smoke execute nav clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml constraints.txt
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[lab,test]"
	touch $(STAMP)

install: $(STAMP)

# Jupyter refuses to run as root unless told; containers (Binder-like, CI) often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
# No news pop-up, no update check, no extension-manager calls: nothing between a learner and
# the notebooks, and no network traffic.
LAB_QUIET := --LabApp.news_url=None \
	--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate \
	--LabApp.extension_manager=readonly --LabApp.app_settings_dir=$(CURDIR)/.jupyter-lab-settings

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG) $(LAB_QUIET) $(JUPYTER_ARGS)

# Unit and property tests, nbval over every notebook, the benchmark smoke run, and the
# browser test (which skips without Chromium unless D2LITE_REQUIRE_BROWSER=1, as in CI).
test: $(STAMP)
	$(PY) -m pytest tests --ignore=tests/e2e $(PYTEST_ARGS)
	$(PY) -m pytest notebooks $(NBVAL) -p tests.nbtimes $(PYTEST_ARGS)
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

unit: $(STAMP)
	$(PY) -m pytest tests --ignore=tests/e2e $(PYTEST_ARGS)

notebooks-test: $(STAMP)
	$(PY) -m pytest notebooks $(NBVAL) -p tests.nbtimes $(PYTEST_ARGS)

e2e: $(STAMP)
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

html: $(STAMP)
	$(PY) tools/render_html.py

bench: $(STAMP)
	$(PY) -m benchmarks.run

# Re-execute notebooks in place in fresh kernels and store their outputs (NB=path to do one).
NB ?= notebooks/[0-9]*.ipynb
execute: $(STAMP)
	$(PY) tools/nav.py
	$(PY) tools/execute.py $(NB)

nav: $(STAMP)
	$(PY) tools/nav.py

clean:
	rm -rf $(VENV) build .pytest_cache .hypothesis *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# The book's frameworks run for real (PyTorch, MXNet, TensorFlow, plus Keras 3 and Optax), each
# in its own venv under build/frameworks/, built once and reused; the fresh results are compared
# with the stored frameworks/results.json, which frameworks-store rewrites (frameworks/README.md).
.PHONY: frameworks frameworks-store
frameworks: $(STAMP)
	$(PY) frameworks/run.py --python $(PYTHON)

frameworks-store: $(STAMP)
	$(PY) frameworks/run.py --python $(PYTHON) --store
