"""Each framework's Adagrad defaults, as settings of the one NumPy Adagrad, :class:`d2lite.Adagrad`.

``Adagrad.preset("torch")`` reads :data:`PRESETS`; :data:`PRESET_OPTIONS` says what else each
framework offers and :data:`PRESET_SOURCES` where every number was read.

>>> sorted(PRESETS) == sorted(PRESET_SOURCES) == sorted(PRESET_OPTIONS)
True
>>> PRESETS["torch"]["eps"], PRESETS["keras"]["eps_inside"]
(1e-10, True)
"""
from __future__ import annotations

from typing import Any

__all__ = ["PRESETS", "PRESET_OPTIONS", "PRESET_SOURCES"]

#: Each framework's documented defaults, in the reference's terms.  ``lr=None`` means the
#: framework has no default learning rate and the caller must pass one.
PRESETS: dict[str, dict[str, Any]] = {
    "torch": dict(lr=0.01, eps=1e-10, eps_inside=False, initial_accumulator_value=0.0,
                  lr_decay=0.0, weight_decay=0.0, decoupled_weight_decay=False),
    "keras": dict(lr=0.001, eps=1e-7, eps_inside=True, initial_accumulator_value=0.1,
                  lr_decay=0.0, weight_decay=0.0, decoupled_weight_decay=True),
    "optax": dict(lr=None, eps=1e-7, eps_inside=True, initial_accumulator_value=0.1,
                  lr_decay=0.0, weight_decay=0.0, decoupled_weight_decay=False),
    "mxnet": dict(lr=0.01, eps=1e-7, eps_inside=True, initial_accumulator_value=0.0,
                  lr_decay=0.0, weight_decay=0.0, decoupled_weight_decay=True),
    "book": dict(lr=0.1, eps=1e-6, eps_inside=True, initial_accumulator_value=0.0,
                 lr_decay=0.0, weight_decay=0.0, decoupled_weight_decay=False),
}

#: What each framework's Adagrad offers beyond the defaults (learning-rate decay, weight decay).
PRESET_OPTIONS: dict[str, dict[str, str]] = {
    "torch": dict(lr_decay="lr / (1 + (t-1) lr_decay)", weight_decay="added to g, accumulated"),
    "keras": dict(lr_decay="via a schedule object", weight_decay="decoupled: w -= lr wd w"),
    "optax": dict(lr_decay="via a schedule function", weight_decay="none (chain another transform)"),
    "mxnet": dict(lr_decay="via lr_scheduler", weight_decay="decoupled: w -= lr wd w"),
    "book": dict(lr_decay="none", weight_decay="none"),
}

#: Where each preset's numbers come from (read in the frameworks' own source code).
PRESET_SOURCES: dict[str, str] = {
    "torch": ("PyTorch 2.13, torch/optim/adagrad.py: Adagrad(lr=1e-2, lr_decay=0, weight_decay=0, "
              "initial_accumulator_value=0, eps=1e-10); clr = lr / (1 + (step - 1) * lr_decay); "
              "grad = grad + weight_decay * param; std = state_sum.sqrt().add_(eps), "
              "eps outside the square root; the same in its for-loop, foreach and fused paths."),
    "keras": ("Keras 3, keras/src/optimizers/adagrad.py: Adagrad(learning_rate=0.001, "
              "initial_accumulator_value=0.1, epsilon=1e-7); the step divides by "
              "sqrt(accumulator + epsilon), eps inside; weight_decay (default None) is applied by "
              "the base optimizer as variable - variable * wd * lr, outside the accumulator. "
              "(The older tf.keras optimizer_v2 called the ResourceApplyAdagradV2 kernel, which "
              "puts epsilon outside: var -= lr * grad / (sqrt(accum) + epsilon).)"),
    "optax": ("optax, optax/_src/alias.py: adagrad(learning_rate, initial_accumulator_value=0.1, "
              "eps=1e-7), no default learning rate; scale_by_rss multiplies by "
              "where(s > 0, rsqrt(s + eps), 0), eps inside; no weight decay of its own."),
    "mxnet": ("MXNet 1.x, python/mxnet/optimizer/optimizer.py: AdaGrad(eps=1e-7), base Optimizer "
              "learning_rate=0.01, wd=0; history += square(grad); "
              "weight += (grad / sqrt(history + eps) + weight * wd) * -lr, eps inside and the "
              "decay outside the accumulator.  (MXNet 2.0's python/mxnet/optimizer/adagrad.py "
              "changed to epsilon=1e-6 outside the square root, with wd added to the gradient.)"),
    "book": ("Dive into Deep Learning, section 12.7, from-scratch adagrad: eps = 1e-6 inside the "
             "square root, states start at zero, no decay; its code has no default learning "
             "rate, so the preset uses 0.1, the rate of the book's training runs."),
}

