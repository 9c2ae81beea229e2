# Two commands do all set-up: `make lab` and `make test`. Both create .venv when it is missing
# and install the project with the exact tested versions from constraints.txt.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
JUPYTER_ARGS ?=
PYTEST_ARGS ?=
NBVAL := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
NBVAL_STRICT := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: install lab refresh test unit notebooks notebooks-test reproduce e2e lane-oldest lane-newest \
	html slides student bench execute nav clean

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

# Lab opens working copies in my-notebooks/ (ignored by git, made on first use), so a learner's
# edits never block `git pull`; `make refresh NB=03` takes a newer stored version of one.
# A busy port is refused (port_retries=0), never silently exchanged for the next one: two servers
# on one folder would autosave over each other. tools/lab_server_config.py turns Nagle's algorithm
# off on kernel websockets, so a slider of d2lite.explore answers without a 40 ms wait.
# The contents page is Markdown (notebooks/00-contents.md, written by tools/nav.py), not a
# notebook, so opening it starts no kernel: .jupyter-lab-settings makes the Markdown Preview the
# viewer of .md files. Generated, it is no working copy: each `make lab` puts the current one in
# (whole: copied beside it, then renamed).
WORKSPACE ?= my-notebooks
PORT ?= 8888
CONTENTS_PAGE := 00-contents.md
lab: $(STAMP)
	$(PY) tools/workspace.py sync --into $(WORKSPACE)
	cp notebooks/$(CONTENTS_PAGE) $(WORKSPACE)/.$(CONTENTS_PAGE).new && \
		mv -f $(WORKSPACE)/.$(CONTENTS_PAGE).new $(WORKSPACE)/$(CONTENTS_PAGE)
	$(PY) tools/lab_check.py $(PORT) $(WORKSPACE)
	$(VENV)/bin/jupyter lab --notebook-dir=$(WORKSPACE) --LabApp.default_url=/lab/tree/$(CONTENTS_PAGE) \
		--ServerApp.port=$(PORT) --ServerApp.port_retries=0 $(ROOT_FLAG) $(LAB_QUIET) \
		--config=$(CURDIR)/tools/lab_server_config.py $(JUPYTER_ARGS)

refresh: $(STAMP)
	$(PY) tools/workspace.py refresh $(NB) --into $(WORKSPACE)

# Every stage runs to its end even when an earlier one fails; a verdict per stage comes last.
#   unit       unit and property tests of d2lite, the benchmark smoke run, the project checks
#   notebooks  nbval over every notebook: every cell runs, checked cells reproduce
#   reproduce  nbval again with one BLAS and one torch thread, comparing EVERY text output
#   e2e        the browser test (skips without Chromium unless D2LITE_REQUIRE_BROWSER=1, as in CI)
STAGES := unit notebooks reproduce e2e
test: $(STAMP)
	@$(PY) tools/stages.py $(STAGES)

unit: $(STAMP)
	@status=0; $(VENV)/bin/lint-imports || status=1; \
	$(PY) -m pytest tests --ignore=tests/e2e $(PYTEST_ARGS) || status=1; exit $$status

notebooks: $(STAMP)
	$(PY) -m pytest notebooks $(NBVAL) -p tests.nbtimes $(PYTEST_ARGS)
notebooks-test: notebooks

ONE_THREAD := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
reproduce: $(STAMP)
	$(ONE_THREAD) $(PY) -m pytest notebooks $(NBVAL_STRICT) -p tests.nbtimes $(PYTEST_ARGS)

# The version-range lanes: clean venvs (.venv-oldest, .venv-newest) with every dependency at
# the lowest version pyproject.toml declares, or the newest it allows; torch stays 2.13.0 (CPU).
lane-oldest:
	tools/lane.sh oldest

lane-newest:
	tools/lane.sh newest

# pytest-playwright keeps a screenshot of each failing test's pages in build/e2e/failures/.
e2e: $(STAMP)
	$(PY) -m pytest tests/e2e --output build/e2e/failures --screenshot only-on-failure $(PYTEST_ARGS)

html: $(STAMP)
	$(PY) tools/render_html.py

# A reveal.js deck per core notebook (01-05) in build/slides/, shown from disk with no network.
slides: $(STAMP)
	$(PY) tools/slides.py

# A solution-free copy of the collection for a class, in build/student/ (tools/student.py).
student: $(STAMP)
	$(PY) tools/student.py

bench: $(STAMP)
	$(PY) -m benchmarks.run

# Re-execute notebooks in place in fresh kernels and store their outputs (NB=path to do one).
NB ?=
execute: $(STAMP)
	$(PY) tools/nav.py
	$(PY) tools/solutions_last.py
	$(PY) tools/execute.py $(or $(NB),notebooks/[0-9]*.ipynb)

nav: $(STAMP)
	$(PY) tools/nav.py
	$(PY) tools/solutions_last.py

clean:
	rm -rf $(VENV) .venv-oldest .venv-newest build .pytest_cache .hypothesis *.egg-info  # never my-notebooks/: a learner's work
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# The book's frameworks run for real (PyTorch, MXNet, TensorFlow, plus Keras 3 and Optax), each
# in its own venv under build/frameworks/, built once and reused; the fresh results are compared
# with the stored d2lite/book/results/frameworks.json, which frameworks-store rewrites (frameworks/README.md).
.PHONY: frameworks frameworks-store
frameworks: $(STAMP)
	$(PY) frameworks/run.py --python $(PYTHON)

frameworks-store: $(STAMP)
	$(PY) frameworks/run.py --python $(PYTHON) --store
