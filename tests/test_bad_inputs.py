"""A table of bad calls across the public API: each raises TypeError or ValueError, within a
bounded time, with a message naming the argument (and, for the shared checks, what is accepted).

The table is built from the arguments of every public entry point (each number given a string,
a bool, NaN, inf, a negative value, each count a float, a string, a negative or an unbounded
value), plus the concrete faults of issue 23. Then hypothesis searches that a public function
either returns finite numbers or says that it did not.
"""
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings, strategies as st

import d2lite
from d2lite import exercises
from d2lite.book import training
from d2lite.book import framework_runs as frameworks
from d2lite.explorers import figures, page
from d2lite.figures import plots
from d2lite.optimizers import fullmatrix, optim, variants
from d2lite.problems import gershgorin, preconditioning, quadratic, rates, sparse

pytestmark = pytest.mark.timeout(60)

CASES = []


def bad(case_id, call, error, *words):
    CASES.append(pytest.param(call, error, words, id=case_id))


def numbers(name, fn, arg, positive=True, **good):
    """A float argument: a string, a bool, NaN, inf (and a negative when it must be positive)."""
    values = [("str", "0.4", TypeError), ("bool", True, TypeError), ("nan", math.nan, ValueError),
              ("inf", math.inf, ValueError), ("none-list", [1.0], TypeError)]
    if positive:
        values.append(("negative", -1.0, ValueError))
    for label, value, error in values:
        bad(f"{name}-{arg}-{label}", lambda v=value: fn(**{**good, arg: v}), error, arg)


def counts(name, fn, arg, maximum=None, **good):
    """An integer argument: a float, a string, a bool, a negative (and beyond its bound)."""
    values = [("float", 2.5, TypeError), ("str", "3", TypeError), ("bool", True, TypeError),
              ("negative", -1, ValueError)]
    if maximum is not None:
        values.append(("huge", maximum + 1, ValueError))
    for label, value, error in values:
        bad(f"{name}-{arg}-{label}", lambda v=value: fn(**{**good, arg: v}), error, arg)


# ---- the book's code: 2-D trainers, data, from-scratch optimizer, training loops ----
numbers("adagrad_2d_rule", d2lite.adagrad_2d_rule, "lr")
numbers("adagrad_2d_rule", d2lite.adagrad_2d_rule, "eps", lr=0.4)
bad("adagrad_2d_rule-eps-zero", lambda: d2lite.adagrad_2d_rule(0.4, eps=0), ValueError, "eps", "> 0")
numbers("gd_2d", d2lite.gd_2d, "lr")
counts("train_2d", d2lite.train_2d, "steps", maximum=100_000, trainer=d2lite.gd_2d(0.1))
bad("train_2d-trainer", lambda: d2lite.train_2d("adagrad"), TypeError, "trainer")
bad("train_2d-start-nan", lambda: d2lite.train_2d(d2lite.gd_2d(0.1), start=(math.nan, 0.0)),
    ValueError, "start[0]")
bad("train_2d-start-str", lambda: d2lite.train_2d(d2lite.gd_2d(0.1), start="ab"), TypeError, "start")
bad("train_2d-start-3", lambda: d2lite.train_2d(d2lite.gd_2d(0.1), start=(1, 2, 3)), ValueError, "start")
bad("train_2d-returns-3", lambda: d2lite.train_2d(lambda a, b, c, d: (a, b, c), verbose=False),
    TypeError, "trainer", "step 1")
bad("train_2d-f_grad", lambda: d2lite.train_2d(d2lite.gd_2d(0.1), f_grad=3), TypeError, "f_grad")
counts("show_trace_2d", d2lite.show_trace_2d, "grid_points", maximum=2000, f=d2lite.f_2d,
       results=[(0.0, 1.0)])
counts("show_trace_2d", d2lite.show_trace_2d, "levels", f=d2lite.f_2d, results=[(0.0, 1.0)])
numbers("show_trace_2d", d2lite.show_trace_2d, "margin", f=d2lite.f_2d, results=[(0.0, 1.0)])
bad("show_trace_2d-results", lambda: d2lite.show_trace_2d(d2lite.f_2d, [1, 2, 3]), ValueError, "results")
bad("show_trace_2d-f", lambda: d2lite.show_trace_2d("f", [(0, 0)]), TypeError, "f must")

counts("synthetic_linreg", d2lite.synthetic_linreg, "batch_size")
counts("synthetic_linreg", d2lite.synthetic_linreg, "num_examples")
counts("synthetic_linreg", d2lite.synthetic_linreg, "num_features")
numbers("synthetic_linreg", d2lite.synthetic_linreg, "noise")
counts("synthetic_linreg", d2lite.synthetic_linreg, "seed")
counts("load_airfoil", d2lite.load_airfoil, "batch_size")
counts("load_airfoil", d2lite.load_airfoil, "n")
counts("load_airfoil", d2lite.load_airfoil, "seed")
bad("load_airfoil-path", lambda: d2lite.load_airfoil("no/such/file.dat"), FileNotFoundError, "no/such/file.dat")
X5, y5 = torch.zeros(20, 5), torch.zeros(20, 1)
counts("make_loader", lambda **k: d2lite.make_loader(X5, y5, **k), "batch_size")
counts("make_loader", lambda **k: d2lite.make_loader(X5, y5, 4, **k), "seed")
bad("make_loader-lengths", lambda: d2lite.make_loader(X5, torch.zeros(19), 4), ValueError, "X", "y", "(19,)")
bad("make_loader-nan", lambda: d2lite.make_loader(np.full((4, 2), np.nan), np.zeros(4), 2), ValueError, "X", "finite")
bad("make_loader-str", lambda: d2lite.make_loader("abc", np.zeros(3), 2), TypeError, "X")
bad("make_loader-y-inf", lambda: d2lite.make_loader(X5, torch.full((20,), math.inf), 2), ValueError, "y", "finite")
counts("init_adagrad_states", d2lite.init_adagrad_states, "feature_dim")
counts("init_linreg_params", d2lite.init_linreg_params, "feature_dim")

def with_grad():
    w = torch.ones(2, requires_grad=True)
    (w * w).sum().backward()
    return w


w_no_grad = torch.ones(2, requires_grad=True)
bad("adagrad-no-grad", lambda: d2lite.adagrad([w_no_grad], [torch.zeros(2)], {"lr": 0.1}), ValueError,
    "params[0]", ".grad")
bad("adagrad-not-tensor", lambda: d2lite.adagrad([[1.0, 2.0]], [torch.zeros(2)], {"lr": 0.1}), TypeError,
    "params[0]")
bad("sgd-no-grad", lambda: d2lite.sgd([w_no_grad], None, {"lr": 0.1}), ValueError, "params[0]", ".grad")
bad("adagrad-no-lr", lambda: d2lite.adagrad([w_no_grad], [torch.zeros(2)], {"eta": 0.1}), ValueError,
    "hyperparams", "'lr'")
for label, value, error in [("str", "0.1", TypeError), ("nan", math.nan, ValueError), ("neg", -0.1, ValueError)]:
    bad(f"adagrad-lr-{label}", lambda v=value: d2lite.adagrad([with_grad()], [torch.zeros(2)], {"lr": v}),
        error, "hyperparams['lr']")


bad("adagrad-state-shape", lambda: d2lite.adagrad([with_grad()], [torch.zeros(3)], {"lr": 0.1}),
    ValueError, "states", "(3,)")
bad("adagrad-state-dtype", lambda: d2lite.adagrad([with_grad()], [torch.zeros(2, dtype=torch.float64)],
                                                  {"lr": 0.1}), TypeError, "states", "float64")
bad("adagrad-states-count", lambda: d2lite.adagrad([with_grad()], [], {"lr": 0.1}), ValueError, "states")

loader5, _ = d2lite.synthetic_linreg(num_examples=40)
for dtype in (torch.float64, torch.float16, torch.int64):
    bad(f"train_scratch-dtype-{dtype}", lambda dt=dtype: d2lite.train_scratch(
        d2lite.adagrad, d2lite.init_adagrad_states(5), {"lr": 0.1},
        d2lite.make_loader(torch.ones(40, 5, dtype=dt), torch.ones(40, 1, dtype=dt), 10), 5),
        TypeError, "data_iter", "float32")
bad("train_scratch-loader", lambda: d2lite.train_scratch(d2lite.adagrad, None, {"lr": 0.1}, [1, 2], 5),
    TypeError, "data_iter")
bad("train_scratch-features", lambda: d2lite.train_scratch(d2lite.adagrad, None, {"lr": 0.1}, loader5, 4),
    ValueError, "feature_dim")
bad("train_scratch-hyper", lambda: d2lite.train_scratch(d2lite.adagrad, None, 0.1, loader5, 5),
    TypeError, "hyperparams")
bad("train_scratch-fn", lambda: d2lite.train_scratch("adagrad", None, {"lr": 0.1}, loader5, 5),
    TypeError, "trainer_fn")
counts("train_scratch", lambda **k: d2lite.train_scratch(d2lite.adagrad, d2lite.init_adagrad_states(5),
                                                         {"lr": 0.1}, loader5, 5, **k),
       "num_epochs", maximum=training.MAX_EPOCHS)
counts("train_concise", lambda **k: d2lite.train_concise(torch.optim.Adagrad, {"lr": 0.1}, loader5, **k),
       "num_epochs", maximum=training.MAX_EPOCHS)
bad("train_concise-hyper", lambda: d2lite.train_concise(torch.optim.Adagrad, {"rate": 0.1}, loader5),
    TypeError, "hyperparams")
bad("train_concise-fn", lambda: d2lite.train_concise(3, {"lr": 0.1}, loader5), TypeError, "optimizer_fn")
bad("plot_loss_curves-empty", lambda: plots.plot_loss_curves({}, 100), ValueError, "curves")
counts("plot_loss_curves", lambda **k: plots.plot_loss_curves({"a": [1.0]}, **k), "num_examples")
bad("least_squares_floor-shape", lambda: training.least_squares_floor(np.ones(3), np.ones(3)), ValueError, "X")

# ---- the one Adagrad and its variants ----
numbers("Adagrad", optim.Adagrad, "lr")
numbers("Adagrad", optim.Adagrad, "eps")
numbers("Adagrad", optim.Adagrad, "initial_accumulator_value")
bad("Adagrad.preset-name", lambda: optim.Adagrad.preset("pytorch"), ValueError, "torch")
numbers("Adam", variants.Adam, "lr")
numbers("Adam", variants.Adam, "beta1", lr=0.1)
numbers("Adam", variants.Adam, "beta2", lr=0.1)
bad("Adam-beta1-one", lambda: variants.Adam(lr=0.1, beta1=1.0), ValueError, "beta1", "< 1")
bad("Adam-beta2-one", lambda: variants.Adam(lr=0.1, beta2=1.0), ValueError, "beta2", "< 1")
numbers("rmsprop", variants.rmsprop, "lr")
numbers("rmsprop", variants.rmsprop, "gamma", lr=0.1)
numbers("adagrad_power", variants.adagrad_power, "power", lr=0.1)
numbers("adagrad_norm", variants.adagrad_norm, "b0", lr=0.1)
numbers("FullMatrixAdagrad", fullmatrix.FullMatrixAdagrad, "lr")
numbers("FullMatrixAdagrad", fullmatrix.FullMatrixAdagrad, "eps")
counts("run", lambda **k: d2lite.run(optim.Adagrad(lr=0.1), lambda x: x, np.ones(2), **k), "steps")


def linreg_call(**k):
    args = dict(optimizer=optim.Adagrad(lr=0.1), X=np.eye(2), y=np.ones(2), start=np.zeros(3),
                orders=[[0, 1]], batch_size=1) | k
    return d2lite.optimizers.run.train_linreg(**args)


numbers("train_linreg", linreg_call, "gradient_scale")
counts("train_linreg", linreg_call, "batch_size")
counts("train_linreg", linreg_call, "eval_every")
bad("train_linreg-X-nan", lambda: linreg_call(X=np.full((2, 2), np.nan)), ValueError, "X", "finite")
bad("train_linreg-X-str", lambda: linreg_call(X="ab"), TypeError, "X")
bad("train_linreg-start-size", lambda: linreg_call(start=np.zeros(2)), ValueError, "start", "3")
bad("train_linreg-orders-range", lambda: linreg_call(orders=[[0, 5]]), ValueError, "orders", "0 to 1")
bad("train_linreg-dtype", lambda: linreg_call(dtype="int8"), ValueError, "dtype", "float32")

# ---- maths by subject ----
bad("Quadratic2D-3x3", lambda: quadratic.Quadratic2D(np.eye(3)), ValueError, "Q", "2x2")
bad("Quadratic2D-nan", lambda: quadratic.Quadratic2D(np.array([[1, 0], [0, np.nan]])), ValueError, "Q", "finite")
bad("Quadratic2D-asym", lambda: quadratic.Quadratic2D(np.array([[1.0, 2.0], [0.0, 1.0]])), ValueError, "Q", "symmetric")
bad("Quadratic2D-str", lambda: quadratic.Quadratic2D("eye"), TypeError, "Q")
numbers("rotation_matrix", quadratic.rotation_matrix, "angle", positive=False)
bad("quadratic_2d-eigen", lambda: quadratic.quadratic_2d((1.0, -1.0)), ValueError, "eigenvalues[1]")
numbers("quadratic_2d", lambda angle: quadratic.quadratic_2d(angle=angle), "angle", positive=False)
counts("random_spd", lambda **k: preconditioning.random_spd(rng=0, **k), "d")
bad("random_spd-condition", lambda: preconditioning.random_spd(3, 0, max_condition=1e20), ValueError,
    "max_condition", "<= 1000000000000")
bad("random_spd-kind", lambda: preconditioning.random_spd(3, 0, kind="diagonal"), ValueError, "kind")
bad("random_spd-rng", lambda: preconditioning.random_spd(3, -1), TypeError, "rng")
counts("random_orthogonal", lambda **k: preconditioning.random_orthogonal(rng=0, **k), "d")
bad("plot_effective_rates-made", lambda: plots.plot_effective_rates([1, 2]), TypeError, "made")
bad("gershgorin_discs-shape", lambda: gershgorin.gershgorin_discs(np.ones((2, 3))), ValueError, "M")
counts("make_sparse_regression", sparse.make_sparse_regression, "num_features")
counts("make_sparse_regression", sparse.make_sparse_regression, "num_examples")
counts("make_sparse_regression", sparse.make_sparse_regression, "active_per_example")
counts("make_sparse_regression", sparse.make_sparse_regression, "seed")
numbers("make_sparse_regression", sparse.make_sparse_regression, "noise")
numbers("make_sparse_regression", sparse.make_sparse_regression, "zipf_exponent")
bad("make_sparse_regression-unbounded", lambda: sparse.make_sparse_regression(zipf_exponent=5.0,
                                                                             active_per_example=8),
    ValueError, "active_per_example", "zipf_exponent")
counts("zipf_probabilities", lambda **k: sparse.zipf_probabilities(exponent=1.0, **k), "num_features")

# ---- figures and explorers ----
numbers("algorithm_explorer", d2lite.explorers.algorithm_explorer, "lr")
numbers("algorithm_figure", figures.algorithm_figure, "lr")
numbers("rotation_figure", figures.rotation_figure, "lr")
counts("rotation_figure", figures.rotation_figure, "steps")
numbers("scratch_lr_figure", figures.scratch_lr_figure, "lr")
bad("linear_slider-value", lambda: page.linear_slider("angle", "angle", "30", 0, 90, 5), TypeError, "angle")
bad("log_slider-value", lambda: page.log_slider("lr", "rate", math.nan, 0.01, 10), ValueError, "lr")

# ---- stored results ----


@pytest.fixture
def tampered(tmp_path):
    return tmp_path / "results.json"


def stored_results(tmp_path, text):
    path = tmp_path / "results.json"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("call, error, words", CASES)
def test_a_bad_call_names_its_argument(call, error, words):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(error) as raised:
            call()
    message = str(raised.value)
    for word in words:
        assert word in message, f"{word!r} missing from: {message}"


def test_the_table_holds_at_least_150_bad_calls():
    assert len(CASES) >= 150, len(CASES)


# ---- the stored framework results: the file and the key in every message, and the remedy ----
@pytest.mark.parametrize("text, words", [
    ("", ["line 1"]), ("{\"frameworks\": ", ["line 1"]), ("[]", ["frameworks/torch/two_d/eta"]),
    ("{\"frameworks\": {}}", ["frameworks/torch/two_d/eta"]),
])
def test_tampered_framework_results_name_the_file_the_key_and_the_remedy(tmp_path, text, words):
    path = stored_results(tmp_path, text)
    with pytest.raises(ValueError) as raised:
        frameworks.load_results(path)
    message = str(raised.value)
    assert str(path) in message and "make frameworks-store" in message
    assert all(word in message for word in words), message


def test_a_framework_results_file_missing_one_key_is_named(tmp_path):
    import json
    results = frameworks.load_results()
    del results["frameworks"]["optax"]["steps"]["aligned"]["settings"]
    path = stored_results(tmp_path, json.dumps(results))
    with pytest.raises(ValueError, match="frameworks/optax/steps/aligned/settings"):
        frameworks.load_results(path)


@pytest.mark.parametrize("text", ["", "{", "{\"results\": 3}", "{\"results\": [{}]}", "[]"])
def test_tampered_benchmark_results_name_the_file_and_the_remedy(tmp_path, text):
    from benchmarks.run import read_results
    path = stored_results(tmp_path, text)
    with pytest.raises(SystemExit) as raised:
        read_results(path, ("results",))
    assert str(path) in str(raised.value) and "make bench" in str(raised.value)


# ---- the wrong results of issue 23, now right ----
def test_train_scratch_records_the_true_final_loss_and_its_epoch():
    loader, d = d2lite.synthetic_linreg(batch_size=7)          # 1500 examples, batches of 7
    history = d2lite.train_scratch(d2lite.adagrad, d2lite.init_adagrad_states(d), {"lr": 0.1},
                                   loader, d, num_epochs=1)
    assert history.examples == [1400, 1500]                     # 7 * 200, then the true end
    final = d2lite.book.training.evaluate_loss(lambda X: X @ torch.zeros(d, 1), loader)  # not it
    assert math.isfinite(history.losses[-1]) and history.losses[-1] < history.losses[0] < final
    ax = plots.plot_loss_curves({"Adagrad": history}, 1500)
    assert list(ax.get_lines()[0].get_xdata()) == pytest.approx([1400 / 1500, 1.0])


@pytest.mark.parametrize("seed", range(50))
def test_random_spd_is_positive_definite_up_to_its_largest_condition(seed):
    Q = preconditioning.random_spd(6, seed, max_condition=1e12)
    assert np.linalg.eigvalsh(Q).min() > 0


def test_the_rate_plot_says_zero_not_nan_when_a_rate_is_zero():
    history = d2lite.run(variants.book_adagrad(0.4), lambda x: d2lite.f_2d_grad(*x), [0.0, -2.0], 5)
    history.rates[:, 0] = 0.0            # a coordinate that never moves
    ax = plots.plot_effective_rates(history)
    said = " ".join(t.get_text() for t in ax.texts)
    assert "is 0" in said and "inf or NaN" not in said


def test_a_training_run_that_turns_nan_says_so_naming_where(capsys):
    history = d2lite.train_scratch(d2lite.sgd, None, {"lr": 50.0}, d2lite.synthetic_linreg(
        num_examples=400)[0], 5, verbose=True)
    assert not np.isfinite(history.losses[-1])
    said = capsys.readouterr().out
    assert said.count("inf or NaN") == 1 and "after 200 examples" in said


def test_train_2d_passes_on_the_learners_exception():
    def broken(x1, x2, s1, s2):
        raise ZeroDivisionError("the learner's bug")
    with pytest.raises(ZeroDivisionError, match="the learner's bug"):
        d2lite.train_2d(broken, verbose=False)


# ---- the exercise checks never raise, whatever the answer, and stop on a slow one ----
ODD_ANSWERS = [(), "abc", 3, math.nan, [1, 2], {"a": 1}, torch.ones(2, requires_grad=True),
               lambda *a: (1, 2), lambda *a: "abc", lambda *a: torch.ones(3, requires_grad=True),
               lambda *a: 1 / 0, lambda *a: np.full((2, 2), np.nan)]
CHECKS = [exercises.check_orthogonal_maker, exercises.check_gershgorin_function,
          exercises.check_preconditioned_interval, exercises.check_lenet,
          exercises.check_leaky_accumulator, lambda a: exercises.check_rotated_distances(a, a)]


@pytest.mark.parametrize("check", CHECKS, ids=range(len(CHECKS)))
def test_an_exercise_check_never_raises(check):
    for answer in ODD_ANSWERS:
        verdict = check(answer)
        assert isinstance(verdict, exercises.Verdict) and verdict.correct is not True, answer


def test_an_exercise_check_stops_waiting_for_a_slow_answer(monkeypatch):
    import time
    from d2lite._checks import guarded_check
    slow = guarded_check(exercises._wrong, 0.3)(lambda: time.sleep(30))
    started = time.monotonic()
    verdict = slow()
    assert time.monotonic() - started < 5 and "took over 0.3 s" in verdict.message


# ---- hypothesis: a public function returns finite numbers or says it did not ----
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(lr=st.floats(1e-3, 1e3), eps=st.floats(1e-8, 1.0), x1=st.floats(-1e3, 1e3), x2=st.floats(-1e3, 1e3))
def test_train_2d_is_finite_or_warns(lr, eps, x1, x2):
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        points = d2lite.train_2d(d2lite.adagrad_2d_rule(lr, eps), steps=30, start=(x1, x2), verbose=False)
    finite = np.isfinite(np.asarray(points)).all()
    assert finite or any("inf or NaN" in str(w.message) for w in said)


@FAST
@given(lr=st.floats(1e-3, 1e3), steps=st.integers(1, 50), x1=st.floats(-1e3, 1e3))
def test_gd_2d_runs_are_finite_or_warned(lr, steps, x1):
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        points = d2lite.train_2d(d2lite.gd_2d(lr), steps=steps, start=(x1, 1.0), verbose=False)
    assert np.isfinite(np.asarray(points)).all() or any("inf or NaN" in str(w.message) for w in said)


@settings(max_examples=15, deadline=None)
@given(lr=st.floats(1e-3, 100.0), batch=st.integers(1, 50))
def test_train_scratch_losses_are_finite_or_said_to_be_not(lr, batch):
    import contextlib
    import io
    X, y = d2lite.explorers.figures.lr_explorer_data(100)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        history = d2lite.train_scratch(d2lite.sgd, None, {"lr": lr}, d2lite.make_loader(X, y, batch), 5,
                                       num_epochs=1, verbose=True)
    assert history.examples[-1] == 100                         # the true end of the run
    assert np.isfinite(history.losses).all() or "inf or NaN after" in out.getvalue()


@FAST
@given(d=st.integers(1, 8), seed=st.integers(0, 2**32), condition=st.floats(1.0, 1e12))
def test_random_spd_and_its_condition_number_are_finite(d, seed, condition):
    Q = preconditioning.random_spd(d, seed, max_condition=condition)
    assert np.isfinite(Q).all() and math.isfinite(preconditioning.condition_number(Q))
