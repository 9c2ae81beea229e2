"""The TensorFlow tab: the 2-D run, Adagrad from scratch and tf.keras.optimizers.Adagrad.

Runs in its own environment (tensorflow-cpu, about 270 MB).  In TensorFlow 2.21 ``tf.keras``
is Keras 3.  Float32 for the training runs, TensorFlow's default; float64 for the 2-D run and
the one-/five-step problem.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # no start-up banner about CPU features

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from common import BOOK_EPS, main, minibatches  # noqa: E402


def two_d(problem):
    """f(x) = 0.1 x1^2 + 2 x2^2 from the start, Adagrad with the book's epsilon, float64."""
    x = tf.constant(problem["start"], dtype=tf.float64)
    s = tf.zeros_like(x)
    curvature = tf.constant([0.2, 4.0], dtype=tf.float64)  # gradient = (0.2 x1, 4 x2)
    path = [x.numpy().tolist()]
    for _ in range(problem["steps"]):
        g = curvature * x
        s += g * g
        x = x - problem["eta"] * g / tf.sqrt(s + problem["eps"])
        path.append(x.numpy().tolist())
    return {**problem, "dtype": "float64", "path": path}


def init_adagrad_states(feature_dim):
    """One accumulator per parameter, zero, shaped like the weight (d, 1) and the bias (1,)."""
    return tf.Variable(tf.zeros((feature_dim, 1))), tf.Variable(tf.zeros(1))


def adagrad(params, grads, states, hyperparams):
    """s += g^2, then p -= lr g / sqrt(s + eps); variables change only through assign_*."""
    eps = hyperparams.get("eps", 1e-6)
    for p, g, s in zip(params, grads, states):
        s.assign_add(tf.square(g))
        p.assign_sub(hyperparams["lr"] * g / tf.sqrt(s + eps))


def half_squared_error(y_hat, y):
    return tf.reduce_mean((y_hat - y) ** 2 / 2)


def data(inputs):
    X = tf.constant(inputs["X"], dtype=tf.float32)
    return X, tf.reshape(tf.constant(inputs["y"], dtype=tf.float32), (-1, 1))


def scratch(inputs):
    """Linear regression trained by the from-scratch adagrad, minibatches in the shared order."""
    X, y = data(inputs)
    w = tf.Variable(tf.reshape(tf.constant(inputs["w0"]), (-1, 1)))
    b = tf.Variable(tf.zeros(1))
    states = init_adagrad_states(X.shape[1])
    losses = []
    for seen, batch in minibatches(inputs, inputs["scratch_epochs"]):
        with tf.GradientTape() as tape:  # a fresh tape per batch: no gradient to zero
            loss = half_squared_error(tf.gather(X, batch) @ w + b, tf.gather(y, batch))
        adagrad([w, b], tape.gradient(loss, [w, b]), states, {"lr": inputs["lr"]})
        if seen % inputs["eval_every"] == 0:
            losses.append(float(half_squared_error(X @ w + b, y)))
    return {"dtype": "float32", "lr": inputs["lr"], "epochs": inputs["scratch_epochs"],
            "losses": losses, "weight": w.numpy().flatten().tolist(), "bias": b.numpy().tolist()}


def settings_of(optimizer, weights):
    """The settings as the built optimizer holds them: Keras keeps the learning rate in a
    float32 variable and, on TensorFlow, fills even a float64 accumulator with a float32 0.1."""
    optimizer.build(weights)
    accumulator = next(v for v in optimizer.variables if "accumulator" in v.name)
    return {"lr": float(np.asarray(optimizer.learning_rate)), "eps": optimizer.epsilon,
            "initial_accumulator_value": float(np.asarray(accumulator).flat[0])}


def concise(inputs, **options):
    """tf.keras.layers.Dense, tf.keras.losses.MeanSquaredError and tf.keras.optimizers.Adagrad."""
    X, y = data(inputs)
    net = tf.keras.Sequential([tf.keras.Input((X.shape[1],)), tf.keras.layers.Dense(1)])
    net.layers[0].kernel.assign(np.array(inputs["w0"], dtype="float32").reshape(-1, 1))
    net.layers[0].bias.assign(np.zeros(1, dtype="float32"))
    optimizer = tf.keras.optimizers.Adagrad(learning_rate=inputs["lr"], **options)
    settings = settings_of(optimizer, net.trainable_variables)
    loss = tf.keras.losses.MeanSquaredError()
    losses = []
    for seen, batch in minibatches(inputs, inputs["concise_epochs"]):
        with tf.GradientTape() as tape:
            batch_loss = loss(tf.gather(y, batch), net(tf.gather(X, batch)))
        weights = net.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(batch_loss, weights), weights))
        if seen % inputs["eval_every"] == 0:
            losses.append(float(half_squared_error(net(X), y)))
    kernel, bias = (v.numpy() for v in net.layers[0].weights)
    return {"settings": settings, "losses": losses,
            "weight": kernel.flatten().tolist(), "bias": bias.tolist()}


def steps(problem, **options):
    """f(w) = 1/2 sum(curvature w^2) from the start: w after one and after five steps, float64."""
    w = tf.Variable(problem["start"], dtype=tf.float64)
    curvature = tf.constant(problem["curvature"], dtype=tf.float64)
    optimizer = tf.keras.optimizers.Adagrad(learning_rate=problem["lr"], **options)
    settings = settings_of(optimizer, [w])
    after = {}
    for step in range(1, 6):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(curvature * w * w) / 2
        optimizer.apply_gradients([(tape.gradient(loss, w), w)])
        after[step] = w.numpy().tolist()
    return {"settings": settings, "one": after[1], "five": after[5]}


ALIGNED = {"epsilon": BOOK_EPS, "initial_accumulator_value": 0.0}


def run(inputs):
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    return {
        "library": "tensorflow", "version": tf.__version__,
        "backend": f"tf.keras is keras {tf.keras.__version__}",
        "two_d": two_d(inputs["two_d"]),
        "scratch": scratch(inputs),
        "concise": {"optimizer": "tf.keras.optimizers.Adagrad",
                    "loss": "tf.keras.losses.MeanSquaredError", "gradient_scale": 2.0,
                    "dtype": "float32", "epochs": inputs["concise_epochs"],
                    "defaults": concise(inputs), "aligned": concise(inputs, **ALIGNED)},
        "steps": {**inputs["steps"], "dtype": "float64",
                  "defaults": steps(inputs["steps"]),
                  "aligned": steps(inputs["steps"], **ALIGNED)},
    }


if __name__ == "__main__":
    main(run)
