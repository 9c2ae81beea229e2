r"""The one rotation sweep that exercise 2 and the full-matrix notebook share.

Every angle from 0 to 180 degrees in steps of 1 degree, the chapter's problem turned as a whole
(objective and start), 20 steps at :math:`\eta = 0.4`: the distance to the optimum for diagonal
Adagrad, gradient descent and full-matrix Adagrad. Both notebooks read their numbers from
:func:`shared_sweep` and :func:`sweep_facts`, so a statement in one holds in the other.

>>> facts = sweep_facts()
>>> facts["diagonal_best_angle"], round(facts["diagonal_best"], 3)
(7, 1.376)
>>> facts["diagonal_below_full_matrix"]
[5, 6, 7, 95, 96, 97]
"""
from __future__ import annotations

import functools
import math

import numpy as np

from .quadratic import full_matrix_rotation_sweep, rotation_sweep

__all__ = ["ANGLES", "LR", "STEPS", "shared_sweep", "sweep_facts", "first_gradient_angle"]

ANGLES = np.arange(0, 181, 1)  #: degrees, one resolution for both notebooks
LR = 0.4
STEPS = 20


@functools.lru_cache(maxsize=1)
def _sweep() -> dict[str, np.ndarray]:

    diagonal = rotation_sweep(ANGLES, lr=LR, steps=STEPS)
    full = full_matrix_rotation_sweep(ANGLES, lr=LR, steps=STEPS)
    return {"angle": ANGLES.copy(), "adagrad": diagonal["adagrad"], "gd": diagonal["gd"],
            "full_matrix": full["full_matrix"]}


def shared_sweep() -> dict[str, np.ndarray]:
    """The sweep as arrays ``angle`` (0 to 180 degrees, step 1), ``adagrad``, ``gd`` and
    ``full_matrix`` (distances after 20 steps at rate 0.4); copies, so a caller may change them.

    >>> sweep = shared_sweep()
    >>> len(sweep["angle"]), float(np.ptp(sweep["gd"])) < 1e-12
    (181, True)
    """
    return {key: value.copy() for key, value in _sweep().items()}


def sweep_facts() -> dict[str, object]:
    """What the notebooks say about the sweep, computed from it: the best and worst angles of
    diagonal Adagrad in the first quarter turn, its value at 0 and 45 degrees, whether it repeats
    every 90 degrees, the flat values of gradient descent and full-matrix Adagrad, and the
    angles where diagonal Adagrad ends closer than full-matrix Adagrad.

    >>> sweep_facts()["repeats_every_90"]
    True
    """
    s = _sweep()
    quarter = s["angle"] < 90
    diag = s["adagrad"]
    return {
        "resolution": 1,
        "diagonal_best_angle": int(s["angle"][quarter][np.argmin(diag[quarter])]),
        "diagonal_best": float(diag.min()),
        "diagonal_worst_angle": int(s["angle"][quarter][np.argmax(diag[quarter])]),
        "diagonal_worst": float(diag.max()),
        "diagonal_at_0": float(diag[0]),
        "diagonal_at_45": float(diag[45]),
        "repeats_every_90": bool(np.abs(diag[:90] - diag[90:180]).max() < 1e-9),
        "gd": float(s["gd"][0]),
        "gd_spread": float(np.ptp(s["gd"])),
        "full_matrix": float(s["full_matrix"][0]),
        "full_matrix_spread": float(np.ptp(s["full_matrix"])),
        "diagonal_below_full_matrix": [int(a) for a in s["angle"][diag < s["full_matrix"]]],
        "gd_below_diagonal_everywhere": bool((s["gd"] < diag).all()),
    }


def first_gradient_angle(eigenvalues: tuple[float, float] = (0.2, 4.0),
                         start: tuple[float, float] = (-5.0, -2.0)) -> float:
    r"""The turn (degrees, in [0, 90)) at which the first gradient of the turned problem has a
    zero first coordinate.

    Adagrad's first step is :math:`\eta\, g_i / \sqrt{g_i^2 + \epsilon}`, almost
    :math:`\pm\eta` whatever the size of :math:`g_i`: as the turn carries :math:`g_1` through
    zero, that step flips from :math:`-\eta` to :math:`+\eta`, so the path, and the distance
    after 20 steps, has a kink there. The unturned first gradient is :math:`(-1, -8)`, at
    :math:`\arctan(1/8) \approx 7.1` degrees from the :math:`x_2` axis.

    >>> round(first_gradient_angle(), 3)
    7.125
    """
    g = np.asarray(eigenvalues, dtype=float) * np.asarray(start, dtype=float)
    return float(math.degrees(math.atan2(abs(g[0]), abs(g[1]))) % 90)
