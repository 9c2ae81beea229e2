r"""The book's frameworks, run for real: their stored results, and the presets replaying them.

``make frameworks`` runs Adagrad in PyTorch, MXNet, TensorFlow, Keras 3 and Optax, each in its
own environment, and ``d2lite/book/results/frameworks.json`` keeps what they computed.  This module reads
that file without installing any framework, and replays every run with the NumPy presets of
:mod:`d2lite.optimizers.optim`, so a test can check that the presets are what the frameworks really do.

A run on the linear-regression data takes minibatch gradients of the mean loss
:math:`\tfrac{c}{2}(\hat y - y)^2`, where the framework's loss fixes :math:`c` (1 for a half
squared error, 2 for the mean squared error), and feeds them to the optimizer.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import torch

from d2lite._checks import check_choice, check_float, check_int
from d2lite.book.data import make_loader, synthetic_linreg
from d2lite.book.training import init_linreg_params
from d2lite.optimizers.optim import Adagrad
from d2lite.optimizers.run import run, train_linreg

__all__ = ["RESULTS_PATH", "FRAMEWORKS", "PRESET_OF", "TOLERANCE", "load_results",
           "linreg_inputs", "replay_linreg", "replay", "compare_results", "function_source"]

#: The stored results of ``make frameworks`` (``make frameworks-store`` rewrites them), shipped
#: inside the package (package data), so that an installed d2lite reads them too.
RESULTS_PATH = Path(__file__).resolve().parent / "results" / "frameworks.json"
#: The scripts that ran them, in the ``frameworks/`` folder of a clone (not installed).
SCRIPTS = Path(__file__).resolve().parents[2] / "frameworks"
#: Every framework ``make frameworks`` runs, in the order the notebook shows them.
FRAMEWORKS = ("torch", "mxnet", "tensorflow", "keras", "optax")
#: The :data:`d2lite.optimizers.presets.PRESETS` entry that describes each framework's Adagrad
#: (``tf.keras`` in TensorFlow 2.21 is Keras 3).
PRESET_OF = {"torch": "torch", "mxnet": "mxnet", "tensorflow": "keras", "keras": "keras",
             "optax": "optax"}
#: Relative tolerance for comparing two numbers computed in each dtype.
TOLERANCE = {"float32": 1e-6, "float64": 1e-12}


def load_results(path: str | os.PathLike | None = None) -> dict[str, Any]:
    """The results stored by ``make frameworks`` (``d2lite/book/results/frameworks.json`` by default).

    >>> results = load_results()
    >>> sorted(results["frameworks"]) == sorted(FRAMEWORKS)
    True
    """
    path = Path(RESULTS_PATH if path is None else path)
    if not path.is_file():
        raise FileNotFoundError(f"no framework results at {str(path)!r}: run `make frameworks` "
                                f"(or pass path= to a results file)")
    fix = ("regenerate it with `make frameworks-store`, or restore the published copy with "
           "`git checkout -- d2lite/book/results/frameworks.json`")
    try:
        results = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} is not UTF-8 text (byte {error.start}); {fix}") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON (line {error.lineno}, column {error.colno}: "
                         f"{error.msg}); {fix}") from None
    for framework in FRAMEWORKS:
        runs = results.get("frameworks", {}).get(framework) if isinstance(results, dict) else None
        for piece, keys in _REQUIRED.items():
            if piece in ("two_d", "scratch") and isinstance(runs, dict) and piece not in runs:
                continue   # the book's code runs only in the book's frameworks
            for key in keys:
                where = ["frameworks", framework, piece, *key.split("/")]
                node = results
                for step in where:
                    node = node.get(step) if isinstance(node, dict) else None
                if node is None:
                    raise ValueError(f"{path} has no entry {'/'.join(where)}; {fix}")
    return results


#: What replay and compare_results read from each framework's stored runs.
_REQUIRED = {"two_d": ("eta", "eps", "start", "steps", "dtype", "path"),
             "scratch": ("lr", "epochs", "dtype", "losses"),
             "concise": ("epochs", "dtype", "defaults/settings", "aligned/settings"),
             "steps": ("curvature", "start", "dtype", "defaults/settings", "aligned/settings")}


def linreg_inputs(noise: float = 0.7, seed: int = 0, epochs: int = 4,
                  batch_size: int = 10) -> dict[str, Any]:
    """The linear-regression problem every framework trains on, as plain lists (JSON-ready).

    The data of :func:`d2lite.synthetic_linreg` (notebook 05's noise of 0.7), the minibatch
    order of its seeded loader for each of ``epochs`` epochs, and the initial weight of
    :func:`d2lite.init_linreg_params`; every number is a float32 written out exactly.

    >>> inputs = linreg_inputs(epochs=1)
    >>> len(inputs["X"]), len(inputs["X"][0]), len(inputs["order"]), len(inputs["w0"])
    (1500, 5, 1, 5)
    """
    noise = check_float("noise", noise)
    epochs = check_int("epochs", epochs)
    batch_size = check_int("batch_size", batch_size)
    loader, feature_dim = synthetic_linreg(batch_size=batch_size, noise=noise, seed=seed)
    X, y = loader.dataset.tensors
    index = make_loader(torch.arange(len(X)), torch.arange(len(X)), batch_size, seed)
    order = [[int(i) for batch, _ in index for i in batch] for _ in range(epochs)]
    w0, _ = init_linreg_params(feature_dim, seed)
    return {"noise": noise, "seed": seed, "batch_size": batch_size, "X": X.tolist(),
            "y": y.flatten().tolist(), "order": order, "w0": w0.detach().flatten().tolist(),
            "b0": 0.0}


def replay_linreg(optimizer: Adagrad, inputs: dict[str, Any], epochs: int,
                  gradient_scale: float = 1.0, dtype: str = "float32",
                  eval_every: int = 200) -> dict[str, list[float]]:
    r"""Train the linear model as the frameworks do, with a NumPy preset as the optimizer.

    Each minibatch gives the gradients of the mean of :math:`\tfrac{c}{2}(\hat y - y)^2`
    (``gradient_scale`` :math:`= c`); the loss over the whole data set, always the half
    squared error, is recorded every ``eval_every`` examples.  Returns the losses and the final
    ``weight`` and ``bias``, as the stored runs keep them.

    The training is :func:`d2lite.optimizers.run.train_linreg`, the one NumPy loop of the linear
    model, on the data, start and per-epoch minibatch orders of :func:`linreg_inputs`, in the
    stored run's dtype (so that float32 steps compare with the stored float32 numbers to
    :data:`TOLERANCE`) and with the framework's loss scale ``c`` (Keras differentiates the mean
    squared error, ``c = 2``).  The book's own loop, :func:`d2lite.train_scratch` (torch
    autograd and the in-place ``trainer_fn(params, states, hyperparams)``, as the chapter prints
    it), walks the same minibatches and records the loss every 200 examples too; a test checks
    that the two agree on the book's run.

    >>> from d2lite.optimizers.optim import Adagrad
    >>> run = replay_linreg(Adagrad.preset("book", lr=0.1), linreg_inputs(epochs=1), epochs=1)
    >>> len(run["losses"]), 0.24 < run["losses"][-1] < 0.26
    (7, True)
    """
    if not isinstance(optimizer, Adagrad):
        raise TypeError(f"optimizer must be a d2lite.optimizers.optim.Adagrad, got {type(optimizer).__name__}")
    epochs = check_int("epochs", epochs)
    check_choice("dtype", dtype, TOLERANCE)
    if epochs > len(inputs["order"]):
        raise ValueError(f"epochs must be at most {len(inputs['order'])}, the epochs in inputs; "
                         f"got {epochs}")
    start = np.concatenate([inputs["w0"], [inputs["b0"]]])
    made = train_linreg(optimizer, inputs["X"], inputs["y"], start, inputs["order"][:epochs],
                        inputs["batch_size"], gradient_scale=gradient_scale,
                        eval_every=eval_every, dtype=dtype)
    return {"losses": made.losses[1:].tolist(), "weight": made.params[:-1].tolist(),
            "bias": [float(made.params[-1])]}


def replay(framework: str, piece: str, setting: str, results: dict[str, Any],
           inputs: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the preset of ``framework`` computes for one stored run, in that run's dtype.

    ``piece`` is ``"two_d"``, ``"scratch"``, ``"concise"`` or ``"steps"``; ``setting`` is
    ``"defaults"`` or ``"aligned"`` for the last two (ignored for the others, which use the
    book's convention).  The replay has the same keys as the stored run, so the two compare
    number by number.

    >>> out = replay("mxnet", "steps", "defaults", load_results())
    >>> [round(w, 4) for w in out["five"]]
    [0.6977, 0.8673]
    """
    check_choice("framework", framework, FRAMEWORKS)
    check_choice("piece", piece, ("two_d", "scratch", "concise", "steps"))
    try:
        stored = results["frameworks"][framework][piece]
    except (KeyError, TypeError):
        raise ValueError(f"results has no frameworks/{framework}/{piece} (load_results() reads "
                         f"the stored file; `make frameworks-store` regenerates it)") from None
    if piece in ("concise", "steps"):
        check_choice("setting", setting, ("defaults", "aligned"))
        optimizer = Adagrad.preset(PRESET_OF[framework], **stored[setting]["settings"])
    elif piece == "two_d":
        optimizer = Adagrad.preset("book", lr=stored["eta"], eps=stored["eps"])
    else:
        optimizer = Adagrad.preset("book", lr=stored["lr"])
    if piece == "two_d":
        path = run(optimizer, lambda x: np.array([0.2, 4.0]) * x,
                   np.asarray(stored["start"], dtype=stored["dtype"]), stored["steps"]).points
        return {"path": path.tolist()}
    if piece == "steps":
        curvature = np.asarray(stored["curvature"], dtype=stored["dtype"])
        path = run(optimizer, lambda w: curvature * w,
                   np.asarray(stored["start"], dtype=stored["dtype"]), 5).points
        return {"one": path[1].tolist(), "five": path[5].tolist()}
    if inputs is None:
        inputs = linreg_inputs()
    return replay_linreg(optimizer, inputs, stored["epochs"], stored.get("gradient_scale", 1.0),
                         stored["dtype"])


def _numbers(tree: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(tree, dict):
        for key in sorted(tree):
            yield from _numbers(tree[key], f"{path}.{key}" if path else key)
    elif isinstance(tree, list):
        for index, item in enumerate(tree):
            yield from _numbers(item, f"{path}[{index}]")
    else:
        yield path, tree


def compare_results(fresh: dict[str, Any], stored: dict[str, Any],
                    dtype: str = "float32") -> list[dict[str, Any]]:
    r"""Compare two result trees leaf by leaf; return one row per leaf.

    Numbers agree when :math:`|a - b| \le \text{rtol}\,\max(|a|, |b|, 10^{-2})`, with ``rtol``
    from :data:`TOLERANCE` for the ``dtype`` the nearest enclosing ``"dtype"`` key names
    (``dtype`` when none does); anything else (versions, settings) must be equal.  A leaf
    missing on one side is a mismatch.  Each row has ``path``, ``fresh``, ``stored``,
    ``gap`` (relative), ``rtol`` and ``ok``.

    >>> rows = compare_results({"dtype": "float32", "x": [1.0, 2.0]},
    ...                        {"dtype": "float32", "x": [1.0, 2.1]})
    >>> [(row["path"], row["ok"]) for row in rows]
    [('dtype', True), ('x[0]', True), ('x[1]', False)]
    """
    check_choice("dtype", dtype, TOLERANCE)
    if isinstance(fresh, dict) and isinstance(stored, dict):
        dtype = fresh.get("dtype", stored.get("dtype", dtype))
        if dtype not in TOLERANCE:
            dtype = "float32"
    fresh_leaves, stored_leaves = dict(_numbers(fresh)), dict(_numbers(stored))
    rows = []
    for path in sorted(set(fresh_leaves) | set(stored_leaves)):
        a, b = fresh_leaves.get(path, "<missing>"), stored_leaves.get(path, "<missing>")
        rtol = TOLERANCE[_dtype_at(fresh, path, dtype)]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b)):
            gap = abs(a - b) / max(abs(a), abs(b), 1e-2)
            ok = math.isfinite(gap) and gap <= rtol
        else:
            gap, ok = (0.0 if a == b else math.inf), a == b
        rows.append({"path": path, "fresh": a, "stored": b, "gap": gap, "rtol": rtol, "ok": ok})
    return rows


def _dtype_at(tree: Any, path: str, default: str) -> str:
    """The dtype named by the deepest ``"dtype"`` key on the way to ``path``."""
    dtype = default
    for key in path.replace("[", ".[").split("."):
        if not isinstance(tree, dict):
            break
        if tree.get("dtype") in TOLERANCE:
            dtype = tree["dtype"]
        tree = tree.get(key)
    return dtype


def function_source(framework: str, name: str) -> str:
    """The text of function ``name`` in ``frameworks/run_<framework>.py``, for showing it.

    >>> print(function_source("mxnet", "init_adagrad_states").splitlines()[0])
    def init_adagrad_states(feature_dim):
    """
    import ast

    check_choice("framework", framework, FRAMEWORKS)
    path = SCRIPTS / f"run_{framework}.py"
    if not path.is_file():
        raise FileNotFoundError(f"no framework script at {str(path)!r}: the scripts live in the "
                                f"frameworks/ folder of a clone of the collection, not in an "
                                f"installed d2lite (which ships only their stored results)")
    text = path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.get_source_segment(text, node)
    raise ValueError(f"name must be a function defined in {path.name}, got {name!r}")
