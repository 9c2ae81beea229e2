"""One colour per optimizer, the same in every figure of the collection.

A learner who has seen Adagrad in blue in one notebook should find it blue in the next, in a
slider explorer and in a static page alike; so every figure takes its colours from here, by
the optimizer's name, and the in-page explorers receive the same table.

>>> colour_of("Adagrad")
'#1f77b4'
>>> colour_of("SGD") == colour_of("gradient descent")
True
"""
from __future__ import annotations

__all__ = ["OPTIMIZER_COLOURS", "colour_of"]

#: The colour of each optimizer (matplotlib's tab10 values, so they read well on white).
OPTIMIZER_COLOURS: dict[str, str] = {
    "Adagrad": "#1f77b4",              # blue
    "gradient descent": "#ff7f0e",     # orange: plain (minibatch) gradient descent, SGD
    "Adam": "#2ca02c",                 # green
    "RMSProp": "#d62728",              # red
    "power 1/4": "#9467bd",            # purple: Adagrad with the accumulator to the power 1/4
    "AdaGrad-Norm": "#8c564b",         # brown: one accumulator for the whole gradient
    "full-matrix Adagrad": "#e377c2",  # pink
    "row-wise Adagrad": "#17becf",     # cyan: one accumulator per embedding row
    "global clock": "#7f7f7f",         # grey: eta0 / sqrt(t + c), one clock for every feature
    "count clock": "#bcbd22",          # olive: eta0 / sqrt(count_i + c), a clock per feature
    "your rule": "#000000",            # black: the learner's own rule (d2lite.explore)
}

_ALIASES = {"sgd": "gradient descent", "gd": "gradient descent",
            "minibatch sgd": "gradient descent", "adagrad-norm": "AdaGrad-Norm",
            "rmsprop": "RMSProp", "adam": "Adam", "adagrad": "Adagrad",
            "global": "global clock", "count": "count clock", "row-wise": "row-wise Adagrad",
            "full-matrix": "full-matrix Adagrad", "power": "power 1/4"}


def colour_of(name: str) -> str:
    """The collection's colour for the optimizer called ``name`` (case does not matter; ``SGD``,
    ``gd`` and ``minibatch SGD`` all mean gradient descent)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be an optimizer's name (a str), got {type(name).__name__}")
    if name in OPTIMIZER_COLOURS:
        return OPTIMIZER_COLOURS[name]
    key = name.strip().lower()
    for known in OPTIMIZER_COLOURS:
        if known.lower() == key:
            return OPTIMIZER_COLOURS[known]
    if key in _ALIASES:
        return OPTIMIZER_COLOURS[_ALIASES[key]]
    raise ValueError(f"name must be one of {sorted(OPTIMIZER_COLOURS)} (or SGD, gd, "
                     f"minibatch SGD), got {name!r}")
