"""One colour and one line style per optimizer, the same in every figure of the collection.

A learner who has seen Adagrad in blue in one notebook should find it blue in the next, in a
slider explorer and in a static page alike; so every figure takes its colours from here, by
the optimizer's name, and the in-page explorers receive the same table (``d2lite.page``).

The palette starts from Paul Tol's and Okabe and Ito's colour-blind-safe palettes, moved by a
small search until, under simulated protanopia and deuteranopia (Machado et al. 2009, full
severity), every two colours of the table are at least CIEDE2000 11.5 apart, and every colour
has a contrast of at least 3.1:1 on white (WCAG 2.2 asks 3:1 of graphics); tests/test_colours.py
checks both.  Colour is never the only difference: each optimizer also has its own dash
(:func:`style_of`).

>>> colour_of("Adagrad")
'#0b6fd4'
>>> colour_of("SGD") == colour_of("gradient descent")
True
>>> style_of("Adam")["linestyle"]
'-.'
"""
from __future__ import annotations

__all__ = ["OPTIMIZER_COLOURS", "OPTIMIZER_DASHES", "ROLE_COLOURS", "LEARNER_COLOURS", "colour_of",
           "style_of"]

#: The colour of each optimizer; all ten differ under protanopia and deuteranopia (see above).
OPTIMIZER_COLOURS: dict[str, str] = {
    "Adagrad": "#0b6fd4",              # blue (Tol's vibrant blue, moved)
    "gradient descent": "#e16300",     # orange (Okabe-Ito vermillion): plain (minibatch) GD, SGD
    "Adam": "#40a090",                 # teal (Tol's muted teal, darker)
    "RMSProp": "#b1369b",              # purple (Tol's muted purple, moved)
    "power 1/4": "#332288",            # indigo (Tol): Adagrad with the accumulator to the 1/4
    "AdaGrad-Norm": "#9f905d",         # sand (Tol's muted sand, darker): one accumulator in all
    "full-matrix Adagrad": "#801d4a",  # wine (Tol's muted wine, moved)
    "row-wise Adagrad": "#6699b2",     # grey-blue (Tol's muted cyan, darker): one per row
    "global clock": "#000000",         # black: eta0 / sqrt(t + c), one clock for every feature
    "count clock": "#b45666",          # rose (Tol's high-contrast red, moved): a clock per feature
}

#: The dash of each optimizer (matplotlib line styles); the ones that share a figure differ.
OPTIMIZER_DASHES: dict[str, str | tuple] = {
    "Adagrad": "-", "gradient descent": "--", "Adam": "-.", "RMSProp": ":",
    "power 1/4": (0, (5, 1, 1, 1, 1, 1)), "AdaGrad-Norm": (0, (9, 3)),
    "full-matrix Adagrad": (0, (3, 1, 1, 1)), "row-wise Adagrad": (0, (1, 1)),
    "global clock": (0, (6, 2, 2, 2)), "count clock": (0, (2, 2)),
}

#: Colours of the other things the explorers draw: gradient descent after preconditioning and
#: the two coordinates of one optimizer's effective rates (3:1 or more on white, and distinct
#: under both simulations from the colours they share a figure with).
ROLE_COLOURS: dict[str, str] = {"preconditioned": "#00695c", "x1": "#08306b", "x2": "#4a8fc8"}

#: The learner's own rule in :func:`d2lite.explore`, drawn beside the optimizers above: black,
#: which no optimizer uses in a figure it shares with the learner's rule.
LEARNER_COLOURS: dict[str, str] = {"your rule": "#000000"}

_ALIASES = {"sgd": "gradient descent", "gd": "gradient descent",
            "minibatch sgd": "gradient descent", "adagrad-norm": "AdaGrad-Norm",
            "rmsprop": "RMSProp", "adam": "Adam", "adagrad": "Adagrad",
            "global": "global clock", "count": "count clock", "row-wise": "row-wise Adagrad",
            "full-matrix": "full-matrix Adagrad", "power": "power 1/4"}


def _canonical(name: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be an optimizer's name (a str), got {type(name).__name__}")
    if name in OPTIMIZER_COLOURS:
        return name
    key = name.strip().lower()
    for known in OPTIMIZER_COLOURS:
        if known.lower() == key:
            return known
    if key in _ALIASES:
        return _ALIASES[key]
    raise ValueError(f"name must be one of {sorted(OPTIMIZER_COLOURS)} (or SGD, gd, "
                     f"minibatch SGD), got {name!r}")


def colour_of(name: str) -> str:
    """The collection's colour for the optimizer called ``name`` (case does not matter; ``SGD``,
    ``gd`` and ``minibatch SGD`` all mean gradient descent)."""
    return OPTIMIZER_COLOURS[_canonical(name)]


def style_of(name: str) -> dict:
    """Keyword arguments for matplotlib's ``plot`` that draw the optimizer ``name`` in its colour
    and its own dash, so that lines sharing a figure differ by more than colour.

    >>> style_of("gd") == {"color": colour_of("gradient descent"), "linestyle": "--"}
    True
    """
    key = _canonical(name)
    return {"color": OPTIMIZER_COLOURS[key], "linestyle": OPTIMIZER_DASHES[key]}
