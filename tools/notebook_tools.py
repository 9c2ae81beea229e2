"""What the notebook tools share: a notebook's title, and the set-up cell every chapter starts with.

``tools/nav.py`` writes the set-up cell into every chapter notebook (tag ``setup``), as it writes
the navigation links; ``tools/render_html.py`` titles its pages with :func:`title_of`.
"""
from __future__ import annotations

import re

import nbformat

#: The first code cell of every chapter: it makes ``d2lite`` importable from a clone without
#: installing anything and, in Colab, clones the collection from the Git URL in ``D2LITE_REPO``
#: and works from its ``notebooks/`` folder, so the stored results the notebooks read are there
#: too (Colab already has numpy, matplotlib, torch, scikit-learn and ipywidgets).
#: It also sets the resolution of every figure the notebook stores (120 dpi, not matplotlib's 100).
SETUP_SOURCE = '''\
# Setup: make the d2lite helpers importable (from a clone, an installed copy, or Colab).
import os, pathlib, sys
if "google.colab" in sys.modules and not pathlib.Path("../d2lite").is_dir():
    repo = os.environ.get("D2LITE_REPO")  # the Git URL of this collection
    if not repo:
        raise RuntimeError("On Colab, set os.environ['D2LITE_REPO'] to this collection's Git URL first")
    if not pathlib.Path("/content/d2lite-adagrad").is_dir():
        !git clone -q --depth 1 {repo} /content/d2lite-adagrad
    os.chdir("/content/d2lite-adagrad/notebooks")
root = next((p for p in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents] if (p / "d2lite").is_dir()), None)
if root is not None and str(root) not in sys.path:
    sys.path.insert(0, str(root))
import matplotlib
matplotlib.rcParams["figure.dpi"] = 120  # figures sharp enough to read their labels'''
SETUP_TAG = "setup"
SETUP_MARK = SETUP_SOURCE.splitlines()[0]


def title_of(nb: nbformat.NotebookNode) -> str | None:
    """The notebook's first ``# `` heading outside the navigation cells (None without one)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "nav" not in cell.metadata.get("tags", []):
            match = re.search(r"^# (.+)$", cell.source, flags=re.M)
            if match:
                return match.group(1).strip()
    return None


def is_setup_cell(cell: nbformat.NotebookNode) -> bool:
    """Whether ``cell`` is a chapter's set-up cell (tagged, or an older untagged copy)."""
    return cell.cell_type == "code" and (SETUP_TAG in cell.metadata.get("tags", [])
                                         or cell.source.startswith(SETUP_MARK))


def refresh_setup_cell(nb: nbformat.NotebookNode) -> bool:
    """Write the current set-up cell into ``nb``; return whether its source changed.

    The cell keeps its place, execution count and outputs (so a stored run stays a run); a
    notebook without one gets it after its first Markdown cell, the title.
    """
    cells = [c for c in nb.cells if is_setup_cell(c)]
    if cells:
        cell = cells[0]
        for extra in cells[1:]:
            nb.cells.remove(extra)
    else:
        cell = nbformat.v4.new_code_cell()
        first_markdown = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
                              and "nav" not in c.metadata.get("tags", []))
        nb.cells.insert(first_markdown + 1, cell)
    changed = cell.source != SETUP_SOURCE
    cell.source = SETUP_SOURCE
    cell.metadata["tags"] = [SETUP_TAG]
    cell.id = "setup"
    return changed
