"""The one NumPy training loop of the linear model, d2lite.optimizers.run.train_linreg: it takes the
steps a hand computation gives, the frameworks' replay goes through it, and no notebook writes a
minibatch loop of its own over the linear model (issue "one implementation per idea")."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

import d2lite.book.framework_runs as F
from d2lite.optimizers.optim import Adagrad
from d2lite.optimizers.run import LinregRun, train_linreg
from d2lite.optimizers.variants import Adam

ROOT = Path(__file__).resolve().parents[1]


class SGD:
    """Plain gradient descent with an explicit state (the step count): w <- w - lr g."""

    def __init__(self, lr: float):
        self.lr = lr

    def init(self, params):
        return 0

    def update(self, grads, state, params):
        return params - self.lr * grads, state + 1


# Two examples, two features: X = [[1, 2], [3, -1]], y = [1, 2], start w = (0.5, -0.5), b = 0.1.
X = np.array([[1.0, 2.0], [3.0, -1.0]])
Y = np.array([1.0, 2.0])
START = np.array([0.5, -0.5, 0.1])


def test_one_sgd_step_on_both_examples_is_the_hand_computation():
    # residuals r = Xw + b - y = (0.5 - 1 + 0.1 - 1, 1.5 + 0.5 + 0.1 - 2) = (-1.4, 0.1);
    # with c = 2 and |B| = 2 the gradient is sum_i r_i (x_i, 1) = (-1.1, -2.9, -1.3);
    # lr 0.1 moves the parameters to (0.61, -0.21, 0.23), where r = (-0.58, 0.27).
    made = train_linreg(SGD(0.1), X, Y, START, [[1, 0]], batch_size=2, gradient_scale=2.0,
                        eval_every=2)
    assert isinstance(made, LinregRun)
    np.testing.assert_allclose(made.params, [0.61, -0.21, 0.23], rtol=1e-14)
    np.testing.assert_allclose(made.losses, [(1.4 ** 2 + 0.1 ** 2) / 4, (0.58 ** 2 + 0.27 ** 2) / 4],
                               rtol=1e-14)
    assert made.steps.tolist() == [0, 1] and made.seen.tolist() == [0, 2] and made.state == 1


def test_one_example_per_step_over_two_epochs_follows_the_orders():
    # Epoch 1 takes example 1 then 0, epoch 2 example 0 then 1; c = 1, |B| = 1, lr 0.1.
    # Step 1 (example 1): r = 0.1, g = (0.3, -0.1, 0.1), params (0.47, -0.49, 0.09).
    # Step 2 (example 0): r = 0.47 - 0.98 + 0.09 - 1 = -1.42, g = (-1.42, -2.84, -1.42),
    # params (0.612, -0.206, 0.232).
    made = train_linreg(SGD(0.1), X, Y, START, [[1, 0], [0, 1]], batch_size=1, eval_every=2)
    assert made.steps.tolist() == [0, 2, 4] and made.seen.tolist() == [0, 2, 4]
    r = X @ np.array([0.612, -0.206]) + 0.232 - Y
    np.testing.assert_allclose(made.losses[1], np.mean(r ** 2) / 2, rtol=1e-12)
    assert made.state == 4


def test_a_short_last_minibatch_is_averaged_over_its_own_size_and_counted_in_examples():
    X3, y3 = np.vstack([X, [[0.0, 1.0]]]), np.append(Y, 0.0)
    made = train_linreg(SGD(0.1), X3, y3, START, [[0, 1, 2]], batch_size=2, eval_every=1)
    assert made.steps.tolist() == [0, 1, 2] and made.seen.tolist() == [0, 2, 3]
    after_first = START - 0.1 * np.array([-1.1, -2.9, -1.3]) / 2       # c = 1, |B| = 2
    r = after_first[1] + after_first[2] - 0.0                          # example 2 alone
    np.testing.assert_allclose(made.params, after_first - 0.1 * r * np.array([0.0, 1.0, 1.0]),
                               rtol=1e-14)


def test_float32_runs_in_float32_and_any_explicit_state_optimizer_fits():
    made = train_linreg(Adam(0.01), X, Y, START, [[0, 1]], batch_size=1, dtype="float32")
    assert made.params.dtype == np.float32 and made.state.count == 2
    full = train_linreg(Adam(0.01), X, Y, START, [[0, 1]], batch_size=1)
    assert full.params.dtype == np.float64
    np.testing.assert_allclose(made.params, full.params, rtol=1e-6)
    assert not np.allclose(made.params, START)


def test_replay_linreg_is_train_linreg_on_the_stored_inputs_and_matches_the_stored_runs():
    inputs = F.linreg_inputs(epochs=2)
    stored = F.load_results()["frameworks"]["torch"]["scratch"]
    replayed = F.replay_linreg(Adagrad.preset("book", lr=stored["lr"]), inputs, stored["epochs"],
                               dtype=stored["dtype"])
    made = train_linreg(Adagrad.preset("book", lr=stored["lr"]), inputs["X"], inputs["y"],
                        inputs["w0"] + [inputs["b0"]], inputs["order"][:stored["epochs"]],
                        inputs["batch_size"], dtype=stored["dtype"])
    assert replayed["losses"] == made.losses[1:].tolist()
    rows = F.compare_results({"dtype": stored["dtype"], "losses": replayed["losses"]},
                             {"dtype": stored["dtype"], "losses": stored["losses"]})
    assert rows and all(row["ok"] for row in rows), [row for row in rows if not row["ok"]]


@pytest.mark.parametrize("bad, error, words", [
    (dict(optimizer=object()), TypeError, "optimizer must have init(params)"),
    (dict(X=[1.0, 2.0]), ValueError, "X must be an array of shape"),
    (dict(y=[1.0]), ValueError, "y must be an array of shape"),
    (dict(start=[0.0, 0.0]), ValueError, "start must be an array of shape 3"),
    (dict(orders=[[0, 2]]), ValueError, "orders must be one order of example indices"),
    (dict(orders=[[0.0, 1.0]]), TypeError, "orders[0] is not a non-empty list of integers"),
    (dict(orders=[]), TypeError, "orders must be one order"),
    (dict(batch_size=0), ValueError, "batch_size must be an integer >= 1"),
    (dict(gradient_scale=0.0), ValueError, "gradient_scale must be a finite number > 0.0"),
    (dict(eval_every=2.0), TypeError, "eval_every must be an integer"),
    (dict(dtype="float16"), ValueError, "dtype must be one of ['float32', 'float64']"),
])
def test_bad_arguments_are_named(bad, error, words):
    args = dict(optimizer=SGD(0.1), X=X, y=Y, start=START, orders=[[0, 1]], batch_size=1,
                gradient_scale=1.0, eval_every=1, dtype="float64") | bad
    with pytest.raises(error) as raised:
        train_linreg(**args)
    assert words in str(raised.value)


def test_one_flat_order_is_one_epoch():
    one = train_linreg(SGD(0.1), X, Y, START, [1, 0], batch_size=1)
    np.testing.assert_array_equal(one.params,
                                  train_linreg(SGD(0.1), X, Y, START, [[1, 0]], batch_size=1).params)


# -- no notebook or module of its own loop over the linear model --------------------------------

def own_linreg_loops(source: str) -> list[str]:
    """The minibatch loops over a linear model that ``source`` writes itself: a function named
    like a linear-regression trainer, or a ``for``/``while`` loop whose body both takes an
    optimizer step (``.update(grads, state, params)``) and computes a matrix product ``@`` (the
    model's prediction or gradient)."""
    found = []
    tree = ast.parse(re.sub(r"^(\s*)[!%].*$", r"\1pass", source, flags=re.M))  # IPython lines aside
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and re.search(r"train_?lin|linreg_loop|fit_lin", node.name):
            found.append(f"def {node.name} (line {node.lineno})")
        if isinstance(node, (ast.For, ast.While)):
            inside = list(ast.walk(node))
            steps = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                        and n.func.attr == "update" and len(n.args) == 3 for n in inside)
            products = any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.MatMult) for n in inside)
            if steps and products:
                found.append(f"a loop of optimizer steps on a linear model (line {node.lineno})")
    return found


OLD_INLINE_LOOP = '''
def train_linreg(optimizer, epochs=2, batch_size=10, seed=0):
    rng = np.random.default_rng(seed)
    w = np.concatenate([rng.normal(0, 0.01, num_features), [0.0]])
    state = optimizer.init(w)
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start:start + batch_size]
            residual = X[batch] @ w[:-1] + w[-1] - y[batch]
            gradient = np.append(X[batch].T @ residual, residual.sum()) / len(batch)
            w, state = optimizer.update(gradient, state, w)
    return w
'''


def test_the_detector_finds_the_loop_notebook_07_used_to_write():
    found = own_linreg_loops(OLD_INLINE_LOOP)
    assert any("def train_linreg" in f for f in found)
    assert sum("a loop of optimizer steps" in f for f in found) == 2     # the epoch loop and its batches
    renamed = OLD_INLINE_LOOP.replace("def train_linreg", "def fit")
    assert own_linreg_loops(renamed) and all("def" not in f for f in own_linreg_loops(renamed))
    # one step of each optimizer, no model: not a training loop (notebook 07, section 1)
    assert own_linreg_loops("for name, o in optimizers.items():\n    x, s = o.update(g, o.init(x), x)") == []


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")),
                         ids=lambda p: p.name)
def test_no_notebook_writes_its_own_minibatch_loop_over_the_linear_model(path):
    nb = nbformat.read(path, as_version=4)
    found = {c.get("id"): own_linreg_loops(c.source) for c in nb.cells if c.cell_type == "code"}
    found = {cell: where for cell, where in found.items() if where}
    assert not found, f"{path.name} trains the linear model in a loop of its own: {found}; call " \
                      f"d2lite.optimizers.run.train_linreg"


def test_no_module_of_d2lite_writes_its_own_minibatch_loop_over_the_linear_model():
    found = {str(p.relative_to(ROOT)): own_linreg_loops(p.read_text(encoding="utf-8"))
             for p in (ROOT / "d2lite").rglob("*.py")}
    home = found.pop("d2lite/optimizers/run.py")
    assert home == ["def train_linreg (line %d)" % home_line()], "the one loop is where it should be"
    assert not {path: where for path, where in found.items() if where}


def home_line() -> int:
    import inspect
    from d2lite.optimizers import run
    return inspect.getsourcelines(run.train_linreg)[1]
