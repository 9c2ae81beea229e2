"""A non-editable install of d2lite carries what the notebooks read: the frameworks' stored runs,
the cost benchmarks' stored results, the airfoil data and the explorers' JavaScript (package data, not files of the checkout).

The install is a real wheel build (``pip install --no-deps --no-index --target``, offline, with the
environment's setuptools), imported from a directory outside the checkout with the installed copy
first on the path; so a file the package reads from the checkout instead of from itself fails here.
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


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_non_editable_install_reads_the_stored_results(tmp_path):
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
    out = subprocess.run([sys.executable, "-c", READ_STORED], capture_output=True, text=True,
                         cwd=away, env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
                         timeout=240)
    assert out.returncode == 0, out.stderr[-3000:]
    seen = json.loads(out.stdout.splitlines()[-1])
    assert Path(seen["d2lite"]).is_relative_to(site), seen["d2lite"]   # the installed copy
    assert Path(seen["results"]).is_relative_to(site) and not Path(seen["results"]).is_relative_to(ROOT)
    assert seen["frameworks"] == sorted(json.loads(
        (ROOT / "d2lite/book/results/frameworks.json").read_text())["frameworks"])
    packaged = json.loads((ROOT / "d2lite/book/results/benchmarks.json").read_text())
    assert Path(seen["benchmarks"]).is_relative_to(site), seen["benchmarks"]   # not the checkout's
    assert seen["benchmark_items"] == [result["item"] for result in packaged["results"]]
    assert seen["full_matrix_dims"] == next(r for r in packaged["results"] if r["item"] == 6)["data"]["dims"]
    assert seen["tab_faults"] == {"torch": [], "mxnet": [], "tensorflow": []}
    assert seen["airfoil"] and seen["web"] == ["boot.js", "explorer2d.js", "grid.js", "plot.js",
                                               "quadratic.js"]
    assert seen["bundle"] > 1000
    assert seen["replay_gap"] < 1e-6   # the preset replays the stored MXNet run (float32)
