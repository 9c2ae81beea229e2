"""tools/rename_map.py rewrites the flat package's paths to the layers, once and for good."""
# rename_map: leave this file (its examples are the old paths)
from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
rename_map = importlib.import_module("rename_map")

OLD = '''import d2lite
from d2lite.quadratic import quadratic_2d, rotation_sweep
from d2lite.rates import loglog_slope, plot_effective_rates
from d2lite import preconditioning, torch as d2l
from d2lite.figures import algorithm_figure
from d2lite.fullmatrix import FullMatrixAdagrad, full_matrix_rotation_sweep
x = d2lite.sparse.make_sparse_regression(10)
d2lite.sparse.plot_rate_grid(run)
d2lite.colours.colour_of("Adagrad"), d2lite.figures.rotation_figure(), d2lite.train_2d
path = "d2lite/web/plot.js"
'''


def test_every_old_path_gets_its_new_home_and_the_new_ones_resolve():
    new = rename_map.rewrite(OLD)
    assert "from d2lite.problems.quadratic import quadratic_2d, rotation_sweep" in new
    assert "from d2lite.problems.rates import loglog_slope\n" in new
    assert "from d2lite.figures.plots import plot_effective_rates" in new
    assert "from d2lite.problems import preconditioning" in new and "from d2lite import torch as d2l" in new
    assert "from d2lite.explorers.figures import algorithm_figure" in new
    assert "from d2lite.problems.quadratic import full_matrix_rotation_sweep" in new
    assert "d2lite.problems.sparse.make_sparse_regression(10)" in new
    assert "d2lite.figures.sparse.plot_rate_grid(run)" in new
    assert 'd2lite.style.colour_of("Adagrad"), d2lite.explorers.figures.rotation_figure(), d2lite.train_2d' in new
    assert '"d2lite/explorers/web/plot.js"' in new
    namespace: dict = {}
    exec("\n".join(line for line in new.splitlines() if line.startswith(("import", "from"))), namespace)
    for dotted in ("d2lite.problems.sparse.make_sparse_regression", "d2lite.figures.sparse.plot_rate_grid",
                   "d2lite.style.colour_of", "d2lite.explorers.figures.rotation_figure"):
        obj = namespace["d2lite"]
        for part in dotted.split(".")[1:]:
            obj = getattr(obj, part)
        assert callable(obj), dotted


def test_a_second_run_changes_nothing():
    once = rename_map.rewrite(OLD)
    assert rename_map.rewrite(once) == once


@pytest.mark.parametrize("relative_ok", [True, False])
def test_relative_imports_only_in_modules_directly_under_d2lite(relative_ok):
    text = "from .trace2d import _shown, adagrad_2d_rule\nfrom .colours import colour_of\n"
    new = rename_map.rewrite(text, relative_ok=relative_ok)
    if relative_ok:
        assert new == ("from .book.plotting import _shown\nfrom .book.trace2d import adagrad_2d_rule\n"
                       "from .style import colour_of\n")
    else:
        assert new == text


def test_check_mode_lists_and_writes_nothing(tmp_path):
    nb = {"cells": [{"cell_type": "code", "source": ["import d2lite\n", "d2lite.quadratic.quadratic_2d()"],
                     "metadata": {}, "outputs": [], "execution_count": None, "id": "a"}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "n.ipynb").write_text(json.dumps(nb, indent=1, sort_keys=True) + "\n")
    (tmp_path / "m.py").write_text("from d2lite.colours import colour_of\n")
    before = {p.name: p.read_text() for p in tmp_path.iterdir()}
    tool = [sys.executable, str(ROOT / "tools" / "rename_map.py")]
    check = subprocess.run([*tool, "--check", str(tmp_path)], capture_output=True, text=True)
    assert check.returncode == 1 and check.stdout.count("would rewrite") == 2
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == before
    assert subprocess.run([*tool, str(tmp_path)], capture_output=True).returncode == 0
    assert json.loads((tmp_path / "n.ipynb").read_text())["cells"][0]["source"][1] == \
        "d2lite.problems.quadratic.quadratic_2d()"
    assert subprocess.run([*tool, "--check", str(tmp_path)], capture_output=True).returncode == 0
