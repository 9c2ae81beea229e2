"""The book's MXNet and TensorFlow tabs, as make frameworks ran them, and their facades.

The real check is ``make frameworks`` (CI runs it): it runs each tab's cells through
``d2lite.mxnet`` / ``d2lite.tensorflow`` in an environment with that framework and no torch,
and fails unless the tab prints what the book prints.  These tests, in the main environment
(no MXNet, no TensorFlow), check what that run stored, that the checker catches a tab that
strays from the book, and that the facades import no torch, read from their source and by
importing them with the frameworks stubbed out and torch blocked.
"""
from __future__ import annotations

import ast
import copy
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import d2lite.book.tabs as T
from d2lite.book.framework_runs import load_results

ROOT = Path(__file__).resolve().parents[1]
RESULTS = load_results()
FACADES = ("mxnet", "tensorflow")


def tab_cells(framework):
    sys.path.insert(0, str(ROOT / "frameworks"))
    try:
        from run_tab import cells_of
    finally:
        sys.path.remove(str(ROOT / "frameworks"))
    return cells_of(ROOT / "tests" / "book" / f"adagrad_{T.BOOK_NAME[framework]}.ipy")


@pytest.mark.parametrize("framework", FACADES)
def test_the_stored_tab_prints_what_the_book_prints(framework):
    run = T.tab_run(framework, RESULTS)
    assert T.check_tab(run) == []
    cells = run["cells"]
    assert cells[1]["printed"] == ["epoch 20, x1: -2.382563, x2: -0.158591"]
    assert cells[2]["printed"] == ["epoch 20, x1: -0.002295, x2: -0.000000"]
    assert 0.241 <= T.tab_loss(cells[4]) <= 0.250
    assert 0.240 <= T.tab_loss(cells[5]) <= 0.250
    assert run["version"] == RESULTS["frameworks"][framework]["version"]
    assert "T sec/epoch" in cells[4]["printed"][0], "seconds are masked in the stored lines"
    seconds = RESULTS["frameworks"][framework]["tab_seconds"]
    assert seconds[4]["printed"] and seconds[4]["printed"][0] > 0, "and kept beside them"


@pytest.mark.parametrize("framework", FACADES)
def test_the_stored_run_is_of_the_tab_file_as_it_is_today(framework):
    stored = [cell["source"] for cell in T.tab_run(framework, RESULTS)["cells"]]
    assert stored == tab_cells(framework)


@pytest.mark.parametrize("framework", T.TABS)
def test_each_tab_is_the_books_code_with_only_the_import_changed(framework):
    cells = tab_cells(framework)
    text = "".join(cells)
    assert len(cells) == len(T.CELL_TITLES)
    assert f"from d2lite import {framework} as d2l\n" in cells[0]
    assert "from d2l import" not in text
    assert cells[0].startswith("%matplotlib inline\n")
    trainer = {"torch": "torch.optim.Adagrad", "mxnet": "'adagrad'",
               "tensorflow": "tf.keras.optimizers.Adagrad"}[framework]
    assert trainer in cells[5]
    assert "{'lr': 0.1}" in cells[4], "the from-scratch code reads hyperparams['lr'] in every tab"


def test_the_checker_catches_a_tab_that_strays_from_the_book():
    good = T.tab_run("mxnet", RESULTS)
    cases = {
        "printed": lambda run: run["cells"][1].update(printed=["epoch 20, x1: -2.38, x2: -0.16"]),
        "outside": lambda run: run["cells"][4].update(printed=["loss: 0.260, T sec/epoch"]),
        "curve": lambda run: run["cells"][5].update(curves=[]),
        "figure": lambda run: run["cells"][1].update(figures=0),
        "display": lambda run: run["cells"][2].update(shown="<Axes: xlabel='$x_1$'>"),
        "wrong key": lambda run: run["wrong_key"].update(error="TypeError: unexpected 'lr'"),
        "doctests": lambda run: run["doctests"].update(failed=1),
    }
    for what, spoil in cases.items():
        run = copy.deepcopy(good)
        spoil(run)
        assert T.check_tab(run), what


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="framework must be one of"):
        T.tab_run("jax", RESULTS)
    with pytest.raises(KeyError, match="make frameworks-store"):
        T.tab_run("mxnet", {"frameworks": {}})
    with pytest.raises(ValueError, match="one line 'loss: L, T sec/epoch'"):
        T.tab_loss({"printed": ["epoch 20, x1: 0, x2: 0"]})


def imported_names(path: Path) -> set[str]:
    """Every module an import statement of the file names, anywhere in it."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            sep = "." if node.module else ""
            names |= {base} | {f"{base}{sep}{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("framework", FACADES)
def test_a_facade_and_the_d2lite_modules_it_imports_name_no_torch(framework):
    other = {"mxnet": "tensorflow", "tensorflow": "mxnet"}[framework]
    todo, seen = [ROOT / "d2lite" / "book" / f"{framework}.py"], set()
    while todo:
        path = todo.pop()
        seen.add(path)
        for name in imported_names(path):
            top = name.lstrip(".").split(".")[0]
            assert top not in {"torch", "torchvision", other}, f"{path.name} imports {name}"
            if name.startswith("d2lite."):  # d2lite's modules import each other by full name
                target = ROOT / name.replace(".", "/")
                for candidate in (target.with_suffix(".py"), target / "__init__.py"):
                    if candidate.is_file() and candidate not in seen:
                        todo.append(candidate)
    assert ROOT / "d2lite" / "book" / "datasets" / "__init__.py" in seen  # it followed d2lite's imports


STUB_IMPORT = textwrap.dedent("""
    import sys, types
    from unittest import mock

    class Block:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"torch", "torchvision", BLOCKED}:
                raise ImportError(f"{name} is blocked in this test")
    sys.meta_path.insert(0, Block())
    for name in STUBS:
        module = types.ModuleType(name)
        module.__getattr__ = lambda attr, name=name: mock.MagicMock(name=f"{name}.{attr}")
        module.__path__ = []
        sys.modules[name] = module
    import importlib
    facade = getattr(importlib.import_module("d2lite"), FACADE)  # from d2lite import mxnet
    print(sorted(m for m in sys.modules if m.split(".")[0] in {"torch", BLOCKED}))
    print(all(hasattr(facade, n) for n in facade.__all__))
""")


@pytest.mark.parametrize("framework, stubs", [("mxnet", ["mxnet", "mxnet.gluon"]),
                                              ("tensorflow", ["tensorflow"])])
def test_a_facade_imports_with_its_framework_stubbed_and_torch_blocked(framework, stubs):
    blocked = {"mxnet": "tensorflow", "tensorflow": "mxnet"}[framework]
    code = (f"BLOCKED = {blocked!r}\nSTUBS = {json.dumps(stubs)}\nFACADE = {framework!r}\n"
            + STUB_IMPORT)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split("\n")[:2] == ["[]", "True"], out.stdout
