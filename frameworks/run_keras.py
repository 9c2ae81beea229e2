"""Keras 3 on the PyTorch backend: its Adagrad on the one-/five-step problem and on the
linear regression (a Keras model trained by a PyTorch-style loop, as Keras documents it).

The TensorFlow tab already runs Keras 3 on TensorFlow (``tf.keras`` is Keras 3 there); this
shows the same optimizer class on another backend.  Float32 for the training run, float64 for
the steps.
"""
from __future__ import annotations

import os

os.environ["KERAS_BACKEND"] = "torch"  # must be set before keras is imported

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from common import BOOK_EPS, main, minibatches  # noqa: E402


def settings_of(optimizer, weights):
    """The settings as the built optimizer holds them: Keras keeps the learning rate in a
    float32 variable and, on TensorFlow, fills even a float64 accumulator with a float32 0.1."""
    optimizer.build(weights)
    accumulator = next(v for v in optimizer.variables if "accumulator" in v.name)
    return {"lr": float(keras.ops.convert_to_numpy(optimizer.learning_rate)), "eps": optimizer.epsilon,
            "initial_accumulator_value": float(keras.ops.convert_to_numpy(accumulator).flat[0])}


def steps(problem, **options):
    """f(w) = 1/2 sum(curvature w^2) from the start: w after one and after five steps, float64."""
    w = keras.Variable(problem["start"], dtype="float64")
    curvature = keras.ops.convert_to_tensor(problem["curvature"], dtype="float64")
    optimizer = keras.optimizers.Adagrad(learning_rate=problem["lr"], **options)
    settings = settings_of(optimizer, [w])
    after = {}
    for step in range(1, 6):
        optimizer.apply([curvature * w.value], [w])
        after[step] = keras.ops.convert_to_numpy(w).tolist()
    return {"settings": settings, "one": after[1], "five": after[5]}


def concise(inputs, **options):
    """keras.layers.Dense, keras.losses.MeanSquaredError and keras.optimizers.Adagrad."""
    X = torch.tensor(inputs["X"], dtype=torch.float32)
    y = torch.tensor(inputs["y"], dtype=torch.float32).reshape(-1, 1)
    net = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(1)])
    net.layers[0].kernel.assign(np.array(inputs["w0"], dtype="float32").reshape(-1, 1))
    net.layers[0].bias.assign(np.zeros(1, dtype="float32"))
    optimizer = keras.optimizers.Adagrad(learning_rate=inputs["lr"], **options)
    settings = settings_of(optimizer, net.trainable_weights)
    loss = keras.losses.MeanSquaredError()
    losses = []
    for seen, batch in minibatches(inputs, inputs["concise_epochs"]):
        net.zero_grad()
        loss(y[batch], net(X[batch])).backward()
        weights = net.trainable_weights
        with torch.no_grad():
            optimizer.apply([v.value.grad for v in weights], weights)
        if seen % inputs["eval_every"] == 0:
            with torch.no_grad():
                losses.append(float(((net(X) - y) ** 2 / 2).mean()))
    kernel, bias = (keras.ops.convert_to_numpy(v) for v in net.layers[0].weights)
    return {"settings": settings, "losses": losses,
            "weight": kernel.flatten().tolist(), "bias": bias.tolist()}


ALIGNED = {"epsilon": BOOK_EPS, "initial_accumulator_value": 0.0}


def run(inputs):
    torch.set_num_threads(1)
    return {
        "library": "keras", "version": keras.__version__,
        "backend": f"torch {torch.__version__}",
        "concise": {"optimizer": "keras.optimizers.Adagrad", "loss": "keras.losses.MeanSquaredError",
                    "gradient_scale": 2.0, "dtype": "float32",
                    "epochs": inputs["concise_epochs"],
                    "defaults": concise(inputs), "aligned": concise(inputs, **ALIGNED)},
        "steps": {**inputs["steps"], "dtype": "float64",
                  "defaults": steps(inputs["steps"]),
                  "aligned": steps(inputs["steps"], **ALIGNED)},
    }


if __name__ == "__main__":
    main(run)
