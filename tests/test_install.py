"""A non-editable install of d2lite carries what the notebooks read: the frameworks' stored runs,
the cost benchmarks' stored results, the airfoil data and the explorers' JavaScript (package data, not files of the checkout).

The install is a real wheel build (``pip install --no-deps --no-index --target``, offline, with the
environment's setuptools), imported from a directory outside the checkout with the installed copy
first on the path; so a file the package reads from the checkout instead of from itself fails here.
The notebooks that read the stored benchmarks (08, 11) import nothing from a clone: their import
lines run there, and the charts they draw (``d2lite.figures.cost``) draw there.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

READ_STORED = """
import json, sys
import d2lite
from d2lite.book import framework_runs, results as stored, tabs
from d2lite.book.datasets import AIRFOIL_PATH
from d2lite.explorers.page import WEB, bundle
results = framework_runs.load_results()
benchmarks = stored.load_benchmarks()
replayed = framework_runs.replay("mxnet", "steps", "defaults", results)
print(json.dumps({
    "d2lite": d2lite.__file__,
    "results": str(framework_runs.RESULTS_PATH),
    "frameworks": sorted(results["frameworks"]),
    "benchmarks": str(stored.BENCHMARKS_PATH),
    "benchmark_items": [result["item"] for result in benchmarks["results"]],
    "full_matrix_dims": next(r for r in benchmarks["results"] if r["item"] == 6)["data"]["dims"],
    "tab_faults": {name: tabs.check_tab(tabs.tab_run(name, results)) for name in tabs.TABS},
    "replay_gap": max(abs(a - b) for a, b in zip(
        replayed["five"], results["frameworks"]["mxnet"]["steps"]["defaults"]["five"])),
    "airfoil": AIRFOIL_PATH.is_file(),
    "web": sorted(p.name for p in WEB.glob("*.js")),
    "bundle": len(bundle()),
}))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A non-editable install of the checkout's d2lite in a folder of its own, and a directory
    outside the checkout to run from: ``(site, away)``."""
    tmp_path = tmp_path_factory.mktemp("install")
    source, site = tmp_path / "source", tmp_path / "site"   # a copy, so the build writes nothing here
    shutil.copytree(ROOT / "d2lite", source / "d2lite", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                            "--no-build-isolation", "--no-index", "--target", str(site), str(source)],
                           capture_output=True, text=True, timeout=240)
    assert built.returncode == 0, built.stderr[-3000:]
    assert "absent from the `packages` configuration" not in built.stderr, built.stderr[-3000:]
    away = tmp_path / "elsewhere"
    away.mkdir()
    return site, away


def run_installed(installed, script: str) -> dict:
    """Run ``script`` from outside the checkout with the installed copy first on the path; return
    the JSON its last line prints."""
    site, away = installed
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=away,
                         env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"},
                         timeout=240)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.splitlines()[-1])


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_non_editable_install_reads_the_stored_results(installed):
    site, _ = installed
    seen = run_installed(installed, READ_STORED)
    assert Path(seen["d2lite"]).is_relative_to(site), seen["d2lite"]   # the installed copy
    assert Path(seen["results"]).is_relative_to(site) and not Path(seen["results"]).is_relative_to(ROOT)
    assert seen["frameworks"] == sorted(json.loads(
        (ROOT / "d2lite/book/results/frameworks.json").read_text())["frameworks"])
    packaged = json.loads((ROOT / "d2lite/book/results/benchmarks.json").read_text())
    assert Path(seen["benchmarks"]).is_relative_to(site), seen["benchmarks"]   # not the checkout's
    assert seen["benchmark_items"] == [result["item"] for result in packaged["results"]]
    assert seen["full_matrix_dims"] == next(r for r in packaged["results"] if r["item"] == 6)["data"]["dims"]
    assert seen["tab_faults"] == {"torch": [], "mxnet": [], "tensorflow": []}
    # every script of the checkout's web/ ships (the page's and d2lite.explore's slider names)
    assert seen["airfoil"] and seen["web"] == sorted(p.name for p in (ROOT / "d2lite/explorers/web").glob("*.js"))
    assert "slider_names.js" in seen["web"] and "boot.js" in seen["web"]
    assert seen["bundle"] > 1000
    assert seen["replay_gap"] < 1e-6   # the preset replays the stored MXNet run (float32)


def notebook_imports(name: str) -> list[str]:
    """The top-level import lines of the code cells of ``notebooks/<name>``."""
    nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    return [line for cell in nb["cells"] if cell["cell_type"] == "code"
            for line in "".join(cell["source"]).splitlines()
            if line.startswith(("import ", "from ")) and not line.startswith("from __future__")]


DRAW_COST_CHARTS = """
import json, sys
{imports}
from d2lite.book.results import load_benchmarks
from d2lite.figures import cost
from d2lite.style import new_figure
stored = load_benchmarks()
drawn = {{}}
for item, plotter, alt in ((1, cost.plot_epoch, cost.epoch_alt), (3, cost.plot_sparse, cost.sparse_alt),
                           (4, cost.plot_update, cost.update_alt), (4, cost.plot_anatomy, cost.anatomy_alt),
                           (5, cost.plot_explorers, cost.explorers_alt), (6, cost.plot_full_matrix, cost.full_matrix_alt)):
    fig, ax = new_figure()
    plotter(cost.item_data(stored, item), ax=ax)
    fig.savefig("chart.png")
    drawn[plotter.__name__] = [len(ax.get_lines()), len(ax.patches), alt(cost.item_data(stored, item))]
print(json.dumps({{"cost": cost.__file__, "modules": sorted(m.split(".")[0] for m in sys.modules),
                  "drawn": drawn}}))
"""


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_cost_notebooks_imports_and_charts_run_from_the_installed_copy(installed):
    """Notebooks 08 and 11 import nothing from a clone (benchmarks/, tools/): every import line
    they have runs from the installed copy outside the checkout, and the charts they draw
    (d2lite.figures.cost) draw there from the installed stored numbers."""
    site, away = installed
    imports = notebook_imports("08-cost.ipynb") + notebook_imports("11-appendix-engineering.ipynb")
    assert any(line.startswith("from d2lite.figures import cost") for line in imports)
    seen = run_installed(installed, DRAW_COST_CHARTS.format(imports="\n".join(imports)))
    assert Path(seen["cost"]).is_relative_to(site), seen["cost"]
    assert not {"benchmarks", "tools"} & set(seen["modules"])
    assert (away / "chart.png").read_bytes()[:4] == b"\x89PNG"
    packaged = {r["item"]: r["data"] for r in json.loads(
        (ROOT / "d2lite/book/results/benchmarks.json").read_text())["results"] if "data" in r}
    lines, patches, alt = seen["drawn"]["plot_update"]
    assert lines == len(packaged[4]["per_size"][str(packaged[4]["sizes"][0])]["achieved_GBps"]) + 1
    assert seen["drawn"]["plot_anatomy"][1] == len(packaged[4]["scratch_anatomy_ms"])
    assert seen["drawn"]["plot_epoch"][1] == 3 * len(packaged[1]["breakdown_seconds_per_epoch"])
    assert seen["drawn"]["plot_full_matrix"][2].startswith(
        f"Log-log plot of the time of one update against d from {packaged[6]['dims'][0]:,}")
