"""The stored results of the real frameworks, and the presets that must reproduce them.

``make frameworks`` runs PyTorch, MXNet, TensorFlow, Keras 3 and Optax and keeps what they
computed in d2lite/book/results/frameworks.json.  These tests need none of those frameworks: they replay
every stored run with the NumPy presets of d2lite.optimizers.optim and compare number by number, to a
relative 1e-6 for float32 runs and 1e-12 for float64 ones.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import d2lite
import d2lite.book.framework_runs as F
from d2lite.book.tabs import TABS
from d2lite.optimizers.presets import PRESETS
from d2lite.book.trace2d import adagrad_2d_rule, train_2d

ROOT = Path(__file__).resolve().parents[1]
RESULTS = F.load_results()
PIECES = {"torch": ["two_d", "scratch", "concise", "steps"],
          "mxnet": ["two_d", "scratch", "concise", "steps"],
          "tensorflow": ["two_d", "scratch", "concise", "steps"],
          "keras": ["concise", "steps"], "optax": ["concise", "steps"]}
RUNS = [(name, piece, setting) for name, pieces in PIECES.items() for piece in pieces
        for setting in (["defaults", "aligned"] if piece in ("concise", "steps") else ["book"])]


@pytest.fixture(scope="module")
def inputs():
    return F.linreg_inputs()


@pytest.mark.parametrize("name", F.FRAMEWORKS)
def test_the_stored_json_has_every_framework_and_field(name):
    run = RESULTS["frameworks"][name]
    assert run["library"] == name and run["version"], "each framework records its version"
    tab = ["tab"] if name in TABS else []  # the book's tab, run through its facade (test_book_tabs)
    assert sorted(k for k in run if isinstance(run[k], dict)) == sorted(PIECES[name] + tab)
    for piece in PIECES[name]:
        stored = run[piece]
        assert stored["dtype"] in F.TOLERANCE
        for setting in ("defaults", "aligned") if piece in ("concise", "steps") else [None]:
            numbers = stored if setting is None else stored[setting]
            if setting is not None:
                assert set(numbers["settings"]) == {"lr", "eps", "initial_accumulator_value"}
            keys = {"two_d": ["path"], "steps": ["one", "five"]}.get(piece,
                                                                      ["losses", "weight", "bias"])
            for key in keys:
                values = np.asarray(numbers[key], dtype=float)
                assert values.size and np.isfinite(values).all(), f"{name}.{piece}.{key}"
    if "scratch" in run:
        assert len(run["scratch"]["losses"]) == 15  # 2 epochs of 1,500, every 200 examples
    assert len(run["concise"]["defaults"]["losses"]) == 30


@pytest.mark.parametrize("name, piece, setting", RUNS)
def test_the_presets_reproduce_the_real_frameworks(name, piece, setting, inputs):
    stored = RESULTS["frameworks"][name][piece]
    replayed = F.replay(name, piece, setting, RESULTS, inputs)
    real = stored[setting] if setting in stored else stored
    rows = F.compare_results({"dtype": stored["dtype"], **replayed},
                             {"dtype": stored["dtype"], **{key: real[key] for key in replayed}})
    bad = [(row["path"], row["gap"]) for row in rows if not row["ok"]]
    assert not bad, f"{name}.{piece}.{setting}: the preset differs from the framework at {bad[:5]}"


@pytest.mark.parametrize("name", F.FRAMEWORKS)
def test_each_framework_defaults_are_its_presets(name):
    """epsilon and s_0 as the real optimizer holds them (at float32 precision: Keras keeps
    its numbers in float32 variables)."""
    preset = PRESETS[F.PRESET_OF[name]]
    for piece in ("concise", "steps"):
        settings = RESULTS["frameworks"][name][piece]["defaults"]["settings"]
        for key in ("eps", "initial_accumulator_value"):
            assert np.float32(settings[key]) == np.float32(preset[key]), (name, piece, key)


@pytest.mark.parametrize("name", F.FRAMEWORKS)
def test_the_steps_tell_where_epsilon_sits(name):
    """The replay test can fail: with epsilon moved to the other side of the square root, no
    preset reproduces the real steps to 1e-12."""
    stored = RESULTS["frameworks"][name]["steps"]
    real = stored["defaults"]
    flipped = F.Adagrad.preset(F.PRESET_OF[name], **real["settings"])
    flipped = flipped.replace(eps_inside=not flipped.eps_inside)
    curvature = np.array(stored["curvature"])
    path = d2lite.run(flipped, lambda w: curvature * w, np.array(stored["start"]), 5).points
    gap = np.abs(path[[1, 5]] - np.array([real["one"], real["five"]])).max()
    assert gap > 1e-9


def test_the_aligned_settings_are_the_books_where_the_framework_allows():
    for name in F.FRAMEWORKS:
        settings = RESULTS["frameworks"][name]["steps"]["aligned"]["settings"]
        assert settings["initial_accumulator_value"] == 0.0
        book_eps = PRESETS["book"]["eps"] if PRESETS[F.PRESET_OF[name]]["eps_inside"] else 0.0
        assert settings["eps"] == book_eps, name  # PyTorch's epsilon sits outside: 0 there


@pytest.mark.parametrize("name", [name for name, pieces in PIECES.items() if "two_d" in pieces])
def test_every_two_d_run_is_the_reference_run(name):
    reference = np.array(train_2d(adagrad_2d_rule(0.4), verbose=False))
    path = np.array(RESULTS["frameworks"][name]["two_d"]["path"])
    np.testing.assert_allclose(path, reference, rtol=1e-12)


def test_the_stored_results_were_computed_on_the_inputs_d2lite_makes_today(inputs):
    sys.path.insert(0, str(ROOT / "frameworks"))
    try:
        from run import PROBLEMS
    finally:
        sys.path.remove(str(ROOT / "frameworks"))
    text = json.dumps({**inputs, **PROBLEMS}, sort_keys=True)
    assert hashlib.sha256(text.encode()).hexdigest() == RESULTS["inputs"]["sha256"]


def test_the_exported_batches_are_the_ones_d2lite_trains_on(inputs):
    """Epoch after epoch, the exported order picks the very minibatches that notebook 05's
    seeded loader yields, and the exported data and initial weight are d2lite's."""
    from d2lite.book.data import synthetic_linreg
    from d2lite.book.training import init_linreg_params

    loader, feature_dim = synthetic_linreg(batch_size=10, noise=0.7, seed=0)
    X = np.asarray(inputs["X"], dtype=np.float32)
    np.testing.assert_array_equal(X, loader.dataset.tensors[0].numpy())
    for epoch in range(len(inputs["order"])):
        batches = [features.numpy() for features, _ in loader]
        order = np.asarray(inputs["order"][epoch]).reshape(len(batches), -1)
        np.testing.assert_array_equal(np.stack(batches), X[order])
    w0, _ = init_linreg_params(feature_dim, seed=0)
    assert inputs["w0"] == w0.detach().flatten().tolist()


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="framework must be one of"):
        F.replay("theano", "steps", "defaults", RESULTS)
    with pytest.raises(ValueError, match="setting must be one of"):
        F.replay("torch", "steps", "default", RESULTS)
    with pytest.raises(ValueError, match="epochs must be at most 1"):
        F.replay_linreg(F.Adagrad.preset("book", lr=0.1), F.linreg_inputs(epochs=1), epochs=2)
    with pytest.raises(FileNotFoundError, match="make frameworks"):
        F.load_results("no/such/results.json")
    with pytest.raises(ValueError, match="name must be a function defined in run_mxnet.py"):
        F.function_source("mxnet", "no_such_function")


def compare(*paths):
    return subprocess.run([sys.executable, str(ROOT / "frameworks" / "compare.py"), *map(str, paths)],
                          capture_output=True, text=True, timeout=60)


def test_the_comparison_script_passes_an_exact_copy_and_fails_a_tampered_one(tmp_path):
    copy = tmp_path / "copy.json"
    copy.write_text(json.dumps(RESULTS))
    same = compare(copy, F.RESULTS_PATH)
    assert same.returncode == 0, same.stdout + same.stderr
    assert "0 mismatch(es)" in same.stdout

    tampered = json.loads(json.dumps(RESULTS))
    losses = tampered["frameworks"]["mxnet"]["scratch"]["losses"]
    losses[3] *= 1 + 1e-5  # ten times the float32 tolerance
    tampered["frameworks"]["tensorflow"]["version"] = "0.0.0"
    copy.write_text(json.dumps(tampered))
    different = compare(copy, F.RESULTS_PATH)
    assert different.returncode == 1
    assert "MISMATCH mxnet.scratch.losses[3]" in different.stdout
    assert "MISMATCH tensorflow.version" in different.stdout
    assert "2 mismatch(es)" in different.stdout


def test_the_comparison_script_fails_when_a_framework_is_missing(tmp_path):
    partial = json.loads(json.dumps(RESULTS))
    del partial["frameworks"]["optax"]
    copy = tmp_path / "partial.json"
    copy.write_text(json.dumps(partial))
    out = compare(copy, F.RESULTS_PATH)
    assert out.returncode == 1 and "optax: absent from the fresh results" in out.stdout


@pytest.mark.parametrize("ci", ["true", ""])
def test_an_uninstallable_framework_is_named_and_fails_only_in_ci(tmp_path, ci):
    stored_before = F.RESULTS_PATH.read_bytes()
    out = subprocess.run([sys.executable, str(ROOT / "frameworks" / "run.py"), "--only", "mxnet",
                          "--python", str(tmp_path / "no-such-python"), "--build", str(tmp_path)],
                         capture_output=True, text=True, timeout=120, env={**os.environ, "CI": ci})
    assert "frameworks: cannot install mxnet: " in out.stdout, out.stdout + out.stderr
    assert "no-such-python" in out.stdout
    assert out.returncode == (1 if ci else 0), out.stdout
    assert F.RESULTS_PATH.read_bytes() == stored_before, "the stored results must stay"


def test_the_numpy_replay_and_the_books_torch_loop_train_alike():
    """The collection's one NumPy loop of the linear model (train_linreg, through replay_linreg)
    and the book's torch loop (train_scratch, kept as the book prints it) walk the same minibatches
    from the same start and record the same losses on the book's run."""
    inputs = F.linreg_inputs(epochs=2)
    replayed = F.replay_linreg(F.Adagrad.preset("book", lr=0.1), inputs, epochs=2)["losses"]
    loader, dim = d2lite.synthetic_linreg(batch_size=inputs["batch_size"], noise=inputs["noise"],
                                          seed=inputs["seed"])
    book = d2lite.train_scratch(d2lite.adagrad, d2lite.init_adagrad_states(dim), {"lr": 0.1}, loader,
                                dim, num_epochs=2).losses
    assert len(replayed) == len(book) == 15
    np.testing.assert_allclose(replayed, book, rtol=1e-6)   # float32 rounding; another batch order: 3e-2
