"""The MXNet tab: the 2-D run, Adagrad from scratch and Gluon's Trainer('adagrad'), on shared inputs.

Runs in its own environment (MXNet 1.9.1 needs NumPy < 1.24).  Float32 for the training runs,
MXNet's default; float64 for the 2-D run and the one-/five-step problem.
"""
from __future__ import annotations

import mxnet as mx
from mxnet import autograd, gluon, nd

from common import BOOK_EPS, main, minibatches


def two_d(problem):
    """f(x) = 0.1 x1^2 + 2 x2^2 from the start, Adagrad with the book's epsilon, float64."""
    x = nd.array(problem["start"], dtype="float64")
    s = nd.zeros_like(x)
    curvature = nd.array([0.2, 4.0], dtype="float64")  # gradient = (0.2 x1, 4 x2)
    path = [x.asnumpy().tolist()]
    for _ in range(problem["steps"]):
        g = curvature * x
        s += g * g
        x = x - problem["eta"] * g / nd.sqrt(s + problem["eps"])
        path.append(x.asnumpy().tolist())
    return {**problem, "dtype": "float64", "path": path}


def init_adagrad_states(feature_dim):
    """One accumulator per parameter, zero, shaped like the weight (d, 1) and the bias (1,)."""
    return nd.zeros((feature_dim, 1)), nd.zeros(1)


def adagrad(params, states, hyperparams):
    """s += g^2, then p -= lr g / sqrt(s + eps), written into the arrays in place with [:]."""
    eps = hyperparams.get("eps", 1e-6)
    for p, s in zip(params, states):
        s[:] += nd.square(p.grad)
        p[:] -= hyperparams["lr"] * p.grad / nd.sqrt(s + eps)


def half_squared_error(y_hat, y):
    return ((y_hat - y) ** 2 / 2).mean()


def data(inputs):
    X = nd.array(inputs["X"], dtype="float32")
    return X, nd.array(inputs["y"], dtype="float32").reshape((-1, 1))


def rows(array, batch):
    return nd.take(array, nd.array(batch, dtype="int64"))


def scratch(inputs):
    """Linear regression trained by the from-scratch adagrad, minibatches in the shared order."""
    X, y = data(inputs)
    w = nd.array(inputs["w0"]).reshape((-1, 1))
    b = nd.zeros(1)
    w.attach_grad()
    b.attach_grad()
    states = init_adagrad_states(X.shape[1])
    losses = []
    for seen, batch in minibatches(inputs, inputs["scratch_epochs"]):
        with autograd.record():
            loss = half_squared_error(nd.dot(rows(X, batch), w) + b, rows(y, batch))
        loss.backward()  # MXNet overwrites .grad on each backward: nothing to zero
        adagrad([w, b], states, {"lr": inputs["lr"]})
        if seen % inputs["eval_every"] == 0:
            losses.append(float(half_squared_error(nd.dot(X, w) + b, y).asscalar()))
    return {"dtype": "float32", "lr": inputs["lr"], "epochs": inputs["scratch_epochs"],
            "losses": losses, "weight": w.asnumpy().flatten().tolist(),
            "bias": b.asnumpy().tolist()}


def settings_of(optimizer):
    # MXNet's AdaGrad always starts its history at zero: it has no option for s_0.
    return {"lr": optimizer.learning_rate, "eps": optimizer.float_stable_eps,
            "initial_accumulator_value": 0.0}


def concise(inputs, **options):
    """gluon.nn.Dense, gluon.loss.L2Loss (the half squared error) and Trainer('adagrad')."""
    X, y = data(inputs)
    net = gluon.nn.Dense(1, in_units=X.shape[1])
    net.initialize()
    net.weight.set_data(nd.array([inputs["w0"]]))
    net.bias.set_data(nd.zeros(1))
    trainer = gluon.Trainer(net.collect_params(), "adagrad",
                            {"learning_rate": inputs["lr"], **options})
    loss = gluon.loss.L2Loss()
    losses = []
    for seen, batch in minibatches(inputs, inputs["concise_epochs"]):
        with autograd.record():
            batch_loss = loss(net(rows(X, batch)), rows(y, batch))
        batch_loss.backward()
        trainer.step(len(batch))  # rescales the summed gradient by 1 / batch size
        if seen % inputs["eval_every"] == 0:
            losses.append(float(half_squared_error(net(X), y).asscalar()))
    return {"settings": settings_of(trainer._optimizer), "losses": losses,
            "weight": net.weight.data().asnumpy().flatten().tolist(),
            "bias": net.bias.data().asnumpy().tolist()}


def steps(problem, **options):
    """f(w) = 1/2 sum(curvature w^2) from the start: w after one and after five steps, float64.

    MXNet's AdaGrad.create_state makes a float32 history whatever the weight's dtype, so the
    state is made here, in float64, and handed to the optimizer's own update.
    """
    w = nd.array(problem["start"], dtype="float64")
    curvature = nd.array(problem["curvature"], dtype="float64")
    optimizer = mx.optimizer.AdaGrad(learning_rate=problem["lr"], **options)
    history = nd.zeros_like(w)
    after = {}
    for step in range(1, 6):
        optimizer.update(0, w, curvature * w, history)
        after[step] = w.asnumpy().tolist()
    return {"settings": settings_of(optimizer), "one": after[1], "five": after[5]}


ALIGNED = {"eps": BOOK_EPS}  # the history already starts at 0


def run(inputs):
    return {
        "library": "mxnet", "version": mx.__version__,
        "two_d": two_d(inputs["two_d"]),
        "scratch": scratch(inputs),
        "concise": {"optimizer": "gluon.Trainer(..., 'adagrad')", "loss": "gluon.loss.L2Loss",
                    "gradient_scale": 1.0, "dtype": "float32",
                    "epochs": inputs["concise_epochs"],
                    "defaults": concise(inputs), "aligned": concise(inputs, **ALIGNED)},
        "steps": {**inputs["steps"], "dtype": "float64",
                  "defaults": steps(inputs["steps"]),
                  "aligned": steps(inputs["steps"], **ALIGNED)},
    }


if __name__ == "__main__":
    main(run)
