"""Optax on JAX: optax.adagrad on the one-/five-step problem and on the linear regression.

Optax is the init/update design that d2lite.optimizers.optim follows.  JAX computes in float32 unless
64-bit mode is switched on; it is switched on here so the steps run in float64, and the
training run asks for float32 arrays explicitly.
"""
from __future__ import annotations

import inspect

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402

from common import BOOK_EPS, main, minibatches, optimizer_runs  # noqa: E402


def settings_of(lr, options):
    defaults = {name: p.default for name, p in inspect.signature(optax.adagrad).parameters.items()
                if p.default is not inspect.Parameter.empty}
    return {"lr": lr, "eps": options.get("eps", defaults["eps"]),
            "initial_accumulator_value": options.get("initial_accumulator_value",
                                                     defaults["initial_accumulator_value"])}


def steps(problem, **options):
    """f(w) = 1/2 sum(curvature w^2) from the start: w after one and after five steps, float64."""
    curvature = jnp.asarray(problem["curvature"], dtype=jnp.float64)
    params = jnp.asarray(problem["start"], dtype=jnp.float64)
    optimizer = optax.adagrad(problem["lr"], **options)
    state = optimizer.init(params)
    grad = jax.grad(lambda w: jnp.sum(curvature * w * w) / 2)
    after = {}
    for step in range(1, 6):
        updates, state = optimizer.update(grad(params), state)
        params = optax.apply_updates(params, updates)
        after[step] = params.tolist()
    return {"settings": settings_of(problem["lr"], options), "one": after[1], "five": after[5]}


def concise(inputs, **options):
    """A linear model as a dict of arrays, optax.l2_loss (the half squared error), optax.adagrad."""
    X = jnp.asarray(inputs["X"], dtype=jnp.float32)
    y = jnp.asarray(inputs["y"], dtype=jnp.float32)
    params = {"w": jnp.asarray(inputs["w0"], dtype=jnp.float32),
              "b": jnp.zeros((), dtype=jnp.float32)}

    def loss(params, X, y):
        return jnp.mean(optax.l2_loss(X @ params["w"] + params["b"], y))

    optimizer = optax.adagrad(inputs["lr"], **options)
    state = optimizer.init(params)

    @jax.jit
    def step(params, state, X, y):
        updates, state = optimizer.update(jax.grad(loss)(params, X, y), state)
        return optax.apply_updates(params, updates), state

    losses = []
    for seen, batch in minibatches(inputs, inputs["concise_epochs"]):
        index = jnp.asarray(batch)
        params, state = step(params, state, X[index], y[index])
        if seen % inputs["eval_every"] == 0:
            losses.append(float(loss(params, X, y)))
    return {"settings": settings_of(inputs["lr"], options), "losses": losses,
            "weight": params["w"].tolist(), "bias": [float(params["b"])]}


ALIGNED = {"eps": BOOK_EPS, "initial_accumulator_value": 0.0}


def run(inputs):
    return {
        "library": "optax", "version": optax.__version__, "backend": f"jax {jax.__version__}",
        **optimizer_runs(inputs, concise, steps, ALIGNED, optimizer="optax.adagrad",
                         loss="optax.l2_loss", gradient_scale=1.0),
    }


if __name__ == "__main__":
    main(run)
