"""Fixtures for the browser test: Chromium, private JupyterLabs, the static site, and the report.

The browser comes from pytest-playwright (``browser``, ``new_context``, ``page``), launched from
Debian's Chromium (``browser_type_launch_args``).  Without a Chromium binary the tests skip, unless
``D2LITE_REQUIRE_BROWSER=1`` (set by ``.ci/run``) turns the missing browser into a failure.
Every explorer's work per input event is collected in ``WORK`` and printed at the end of the run
(``pytest_terminal_summary``), with a copy in ``build/e2e/latency.json``.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest

from tests.tools import load_tool

from .explorers import BUDGET_MS, Work
from .chromium import CHROMIUM_ARGS, chromium_executable
from .lab import REPO, make_lab_root, start_lab, write_kernelspec

OUT = REPO / "build" / "e2e"  # screenshots, latency.json (and server-venv, kept between runs)
EXPLORER_CLASS = 'class="d2lite-explorer'
WORK: list[Work] = []  # filled by the tests, printed by pytest_terminal_summary


def chapter_notebooks() -> list[Path]:
    """Every numbered notebook of the collection (found by glob, so new ones are covered)."""
    return sorted((REPO / "notebooks").glob("[0-9]*.ipynb"))


def _stored_containers(path: Path) -> list:
    """The explorer containers (``div.d2lite-explorer``) in the stored HTML outputs of ``path``,
    found by parsing the HTML (the inlined script mentions the class too, in its comments)."""
    from bs4 import BeautifulSoup

    nb = nbformat.read(path, as_version=4)
    return [div for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
            if EXPLORER_CLASS in str(out.get("data", {}).get("text/html", ""))
            for div in BeautifulSoup(str(out["data"]["text/html"]), "html.parser").select("div.d2lite-explorer")]


def stored_explorers(path: Path) -> int:
    """How many in-page explorers the stored outputs of the notebook at ``path`` hold."""
    return len(_stored_containers(path))


def stored_kinds(path: Path) -> set[str]:
    """The ``data-kind`` of every in-page explorer in the stored outputs of ``path``."""
    return {div.get("data-kind") for div in _stored_containers(path)}


def explorer_notebooks() -> list[Path]:
    """The numbered notebooks whose stored outputs hold at least one explorer."""
    return [p for p in chapter_notebooks() if stored_explorers(p)]


def _chromium_or_skip() -> str:
    path = chromium_executable()
    if path is not None:
        return path
    problem = "no Chromium on PATH (apt-get install chromium)"
    if os.environ.get("D2LITE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"D2LITE_REQUIRE_BROWSER=1 but {problem}", pytrace=False)
    pytest.skip(f"browser test skipped: {problem}; set D2LITE_REQUIRE_BROWSER=1 to make this fail")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _chromium_or_skip()
    OUT.mkdir(parents=True, exist_ok=True)
    for old in [*OUT.glob("*.png"), OUT / "latency.json"]:  # this run's screenshots only
        old.unlink(missing_ok=True)
    return path


def pytest_configure(config):
    # pytest-playwright 0.10.0 defines its fallback base_url fixture as a method, which pytest 9
    # deprecates (a warning for every browser test; upstream's to change, harmless here).
    config.addinivalue_line("filterwarnings",
                            "ignore:Session-scoped fixtures defined as instance methods")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_path) -> dict:
    """pytest-playwright's ``browser`` (one for the session), ``new_context``, ``context`` and
    ``page`` fixtures launch Debian's Chromium with these flags (``playwright install`` cannot
    download a browser here); its ``--headed`` and ``--slowmo`` options still apply."""
    return {**browser_type_launch_args, "executable_path": chromium_path, "args": CHROMIUM_ARGS,
            "timeout": 60_000}


def page_explorer_factories() -> list[str]:
    """``module:function`` of every public ``*_explorer`` function of ``d2lite.explorers.page``."""
    from d2lite.explorers import page

    return [f"{page.__name__}:{f}" for f in page.__all__ if f.endswith("_explorer")]


def make_page_explorer(spec: str):
    """The explorer ``module:function`` makes with its defaults."""
    import importlib

    module, function = spec.split(":")
    return getattr(importlib.import_module(module), function)()


def page_explorers_notebook(folder: Path) -> Path:
    """A notebook showing every in-page explorer at its defaults, one cell each, with the stored
    outputs a run gives: every kind is tested, in every setting, even before a chapter shows it.
    A tall text cell before each explorer puts it off-screen when the notebook opens, as in a
    chapter (JupyterLab does not render off-screen cells until they are scrolled to)."""
    cells = [nbformat.v4.new_markdown_cell("# Every in-page explorer")]
    for spec in page_explorer_factories():
        module, function = spec.split(":")
        filler = "\n\n".join(f"Paragraph {k} before `{function}`." for k in range(40))
        cells.append(nbformat.v4.new_markdown_cell(filler))
        cell = nbformat.v4.new_code_cell(f"from {module} import {function}\n\n{function}()")
        cell.outputs = [nbformat.v4.new_output("execute_result", data=make_page_explorer(spec)._repr_mimebundle_(),
                                               execution_count=None)]
        cells.append(cell)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "page_explorers.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="session")
def fixture_notebooks(tmp_path_factory) -> list[Path]:
    """The every-explorer notebook (none if d2lite.explorers.page makes no explorer)."""
    folder = tmp_path_factory.mktemp("fixture-notebooks")
    return [page_explorers_notebook(folder)] if page_explorer_factories() else []


@pytest.fixture(scope="session")
def lab(chromium_path, fixture_notebooks, tmp_path_factory):
    """Setting 1: JupyterLab from the project's .venv, as ``make lab`` runs it."""
    base = tmp_path_factory.mktemp("lab")
    root = make_lab_root(base, chapter_notebooks(), fixture_notebooks)
    server = start_lab(base, root)
    server.setting = "1 lab"
    try:
        yield server
    finally:
        server.stop()


KERNEL_NAME = "d2lite-venv"


@pytest.fixture(scope="session")
def split_lab(chromium_path, fixture_notebooks, tmp_path_factory):
    """Setting 2: JupyterLab from a server-only environment, the kernel from the project's .venv
    (a kernelspec in a temporary ``JUPYTER_PATH``; every notebook copy is set to that kernel)."""
    from .server_env import server_python

    python = server_python()
    base = tmp_path_factory.mktemp("split-lab")
    write_kernelspec(base / "kernel-path", KERNEL_NAME, str(Path(os.sys.executable)))
    root = make_lab_root(base, explorer_notebooks(), fixture_notebooks, kernel=KERNEL_NAME)
    server = start_lab(base, root, python=str(python), jupyter_path=base / "kernel-path")
    server.setting = "2 split"
    try:
        yield server
    finally:
        server.stop()


def record(work: Work) -> None:
    WORK.append(work)


def pytest_terminal_summary(terminalreporter):
    if not WORK:
        return
    tr = terminalreporter
    tr.section("in-page explorers: the page's own work per input event (compute + draw)")
    tr.write_line(f"goal: p95 <= {BUDGET_MS:.0f} ms (one frame) for every explorer in every setting; "
                  "measured with performance.now() in Chromium on a shared machine (noisy)")
    tr.write_line(f"{'setting':10} {'page':32} {'#':>2} {'explorer':16} {'events':>6} "
                  f"{'p50':>7} {'p95':>7} {'max':>7}")
    for w in WORK:
        flag = "  <- OVER ONE FRAME" if w.p95 > BUDGET_MS else ""
        name = Path(w.page.split(" ")[0]).name
        tr.write_line(f"{w.setting:10} {name[:32]:32} {w.index:>2} {w.kind[:16]:16} {len(w.ms):>6} "
                      f"{w.p50:>5.1f}ms {w.p95:>5.1f}ms {w.worst:>5.1f}ms{flag}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "latency.json").write_text(json.dumps([w.row() | {"ms": w.ms} for w in WORK], indent=1))
    tr.write_line(f"every event: {OUT / 'latency.json'}; screenshots: {OUT}")


@pytest.fixture(scope="session")
def fixture_site(chromium_path, fixture_notebooks, tmp_path_factory) -> Path:
    """The static site of the fixture notebooks (every explorer, broken ones)."""
    from .test_static_site import broken_notebook

    source = tmp_path_factory.mktemp("fixture-site-notebooks")
    for i, path in enumerate(fixture_notebooks):
        shutil.copy(path, source / f"{i + 1:02d}-{path.stem}.ipynb")
    broken_notebook(source / "90-broken.ipynb")
    site = tmp_path_factory.mktemp("fixture-site")
    load_tool("render_html").render_site(source, site)
    return site


@pytest.fixture(scope="session")
def collection_site(chromium_path, tmp_path_factory) -> Path:
    """The static site of the collection's stored notebooks, as ``make html`` renders it (of
    the notebooks in ``$D2LITE_E2E_NOTEBOOKS`` when set: a freshly executed scratch copy)."""
    site = tmp_path_factory.mktemp("site")
    load_tool("render_html").render_site(Path(os.environ.get("D2LITE_E2E_NOTEBOOKS", REPO / "notebooks")), site)
    return site
