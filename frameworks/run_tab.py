"""Run one tab of the book's Adagrad chapter, cell by cell, through its d2lite facade.

    python run_tab.py FRAMEWORK OUTPUT.json        (FRAMEWORK: torch, mxnet or tensorflow)

The cells are tests/book/adagrad_TAB.ipy: the book's code with only the import line changed.  Each cell is
run as Jupyter would run it, in one namespace, with what it prints captured, and the value of
its last line recorded as Jupyter would display it (nothing after a ``;`` or for ``None``).
Two things differ from a notebook, both outside the book's code: ``%matplotlib inline`` is
skipped (a script has no inline backend; figures go to matplotlib's Agg backend and are
counted), and the framework's random generators are seeded first, one thread each, so that a
re-run draws the same initial weights and minibatches and can be compared number by number.

Then, still in that environment: the facade's own docstring examples, and the facade given the
other framework's name for the learning rate (``'lr'`` / ``'learning_rate'``), which must fail
with a message naming the right one.  Needs no d2lite install: run.py puts the repository on
PYTHONPATH.  Standard library, matplotlib and the framework only.
"""
from __future__ import annotations

import ast
import contextlib
import doctest
import io
import json
import platform
import random
import re
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = Path(__file__).resolve().parent
#: Where the three tabs are kept, one ``adagrad_TAB.ipy`` each.
TABS_DIR = HERE.parent / "tests" / "book"
#: The book's name for each framework's tab, which also names its file in TABS_DIR.
TAB_OF = {"torch": "pytorch", "mxnet": "mxnet", "tensorflow": "tensorflow"}
#: The concise call with the other framework's key: (optimizer expression, wrong key, right key).
WRONG_KEY = {"torch": ("torch.optim.Adagrad", "learning_rate", "lr"),
             "mxnet": ("'adagrad'", "lr", "learning_rate"),
             "tensorflow": ("tf.keras.optimizers.Adagrad", "lr", "learning_rate")}
SECONDS = re.compile(r"(\d+(?:\.\d+)?) sec/epoch")
SEED = 0


def seed_everything(framework: str) -> str:
    """Seed Python, NumPy and the framework; one compute thread.  Returns the framework version."""
    import numpy

    random.seed(SEED)
    numpy.random.seed(SEED)
    if framework == "mxnet":
        import mxnet

        mxnet.random.seed(SEED)
        return mxnet.__version__
    if framework == "tensorflow":
        import tensorflow as tf

        tf.keras.utils.set_random_seed(SEED)
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        return tf.__version__
    import torch

    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    return torch.__version__


def cells_of(path: Path) -> list[str]:
    """The cells of a tab file, each after a ``# %% cell`` line (the header comment dropped)."""
    text = path.read_text(encoding="utf-8")
    return [cell.strip("\n") + "\n" for cell in text.split("# %% cell\n")[1:]]


def run_cell(source: str, namespace: dict) -> tuple[list[str], str | None]:
    """Run one cell; return the lines it printed and the repr Jupyter would display."""
    code = "\n".join("" if line.startswith("%") else line for line in source.splitlines())
    tree = ast.parse(code)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    silenced = code.rstrip().endswith(";")
    body = ast.Module(body=tree.body[:-1] if last else tree.body, type_ignores=[])
    out, shown = io.StringIO(), None
    with contextlib.redirect_stdout(out):
        exec(compile(body, "<cell>", "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
            if value is not None and not silenced:
                shown = repr(value)
    return out.getvalue().splitlines(), shown


def record_animators(animator_class: type, into: list) -> None:
    """Keep every Animator the facade makes, to read the loss curve it draws."""
    if getattr(animator_class, "_recorded_by_run_tab", False):
        return
    original = animator_class.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        into.append(self)

    animator_class.__init__ = __init__
    animator_class._recorded_by_run_tab = True


def doctests(module) -> dict:
    """The facade's docstring examples, run here, in its framework's environment."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    out = io.StringIO()
    for test in finder.find(module, module.__name__):
        runner.run(test, out=out.write)
    result = runner.summarize(verbose=False)
    return {"attempted": result.attempted, "failed": result.failed,
            "report": out.getvalue()[-3000:] if result.failed else ""}


def run(framework: str) -> dict:
    version = seed_everything(framework)
    tab = TAB_OF[framework]
    namespace: dict = {"__name__": "__main__"}
    animators: list = []
    cells, seconds = [], []
    for source in cells_of(TABS_DIR / f"adagrad_{tab}.ipy"):
        figures_before, made_before = set(plt.get_fignums()), len(animators)
        if "d2l" in namespace:
            record_animators(namespace["d2l"].Animator, animators)
        began = time.perf_counter()
        printed, shown = run_cell(source, namespace)
        took = time.perf_counter() - began
        if "d2l" in namespace:
            record_animators(namespace["d2l"].Animator, animators)
        seconds.append({"cell": round(took, 3),
                        "printed": [float(s) for line in printed for s in SECONDS.findall(line)]})
        cells.append({"source": source,
                      "printed": [SECONDS.sub("T sec/epoch", line) for line in printed],
                      "shown": shown,
                      "figures": len(set(plt.get_fignums()) - figures_before),
                      "curves": [{"epoch": a.X[0], "loss": a.Y[0]} for a in animators[made_before:]
                                 if a.X]})
    d2l = namespace["d2l"]
    trainer, wrong, right = WRONG_KEY[framework]
    try:
        d2l.train_concise_ch11(eval(trainer, namespace), {wrong: 0.1}, namespace["data_iter"])
        bad = {"wrong": wrong, "right": right, "error": None}
    except Exception as error:  # noqa: BLE001 - what it raises is what is recorded
        bad = {"wrong": wrong, "right": right, "error": f"{type(error).__name__}: {error}"}
    return {"tab": {"framework": framework, "version": version, "tab": tab, "seed": SEED,
                    "dtype": "float32", "cells": cells, "wrong_key": bad,
                    "doctests": doctests(sys.modules[d2l.__name__])},
            "tab_seconds": seconds, "python": platform.python_version()}


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in TAB_OF:
        raise SystemExit(f"usage: {sys.argv[0]} {{{','.join(TAB_OF)}}} OUTPUT.json")
    result = run(sys.argv[1])
    Path(sys.argv[2]).write_text(json.dumps(result, indent=1), encoding="utf-8")
