r"""The five slider explorers, one per chapter, in one place.

=================================  ========  ==============================================
explorer                           notebook  the figure it redraws (:mod:`d2lite.figures`)
=================================  ========  ==============================================
:func:`sparse_explorer`            01        :func:`~d2lite.figures.sparse_comparison_figure`
:func:`preconditioning_explorer`   02        :func:`~d2lite.figures.preconditioning_figure`
:func:`algorithm_explorer`         03        :func:`~d2lite.figures.algorithm_figure`
:func:`scratch_lr_explorer`        04        :func:`~d2lite.figures.scratch_lr_figure`
:func:`rotation_explorer`          06        :func:`~d2lite.figures.rotation_figure`
=================================  ========  ==============================================

Each pairs a figure function with ipywidgets sliders (:class:`d2lite.widgets.Explorer`); the
work that does not depend on a slider (data, sweeps, whole training grids) is done once.

>>> explorer = rotation_explorer()
>>> list(explorer.sliders), [round(end["angle"]) for end in explorer.extreme_settings()]
(['angle'], [0, 90])
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from ._checks import check_float, check_int
from .data import EXPLORER_EXAMPLES, EXPLORER_NOISE, lr_explorer_data
from .figures import (algorithm_figure, preconditioning_figure, rotation_figure,
                      scratch_lr_figure, sparse_comparison_figure)
from .quadratic import rotation_sweep
from .sparse import RATE_RULES, SparseRegression, SparseRun, make_sparse_regression, train_side_by_side
from .training import initial_linreg_loss, least_squares_floor
from .widgets import Explorer, float_slider, int_slider, log_slider

__all__ = ["sparse_explorer", "preconditioning_explorer", "algorithm_explorer",
           "scratch_lr_explorer", "rotation_explorer"]


def sparse_explorer(num_features: int = 300, num_examples: int = 1500, offset: float = 10.0,
                    seed: int = 0) -> Explorer:
    r"""Sliders for the Zipf exponent and the base rate :math:`\eta_0`, shared by the three rules.

    The figure (:func:`sparse_comparison_figure`) shows the three rules trained with the same
    :math:`\eta_0` (and the same constant ``offset`` :math:`c` for the two clocks) on a small
    stream (``num_features`` features, ``num_examples`` examples) with the chosen exponent.
    Exponent 0 is the equal-frequency control.  The first time an exponent is chosen, the
    stream is drawn and the rules are trained for *every* base rate of the slider in one
    vectorised pass; after that, moving the base-rate slider only redraws.
    """
    num_features = check_int("num_features", num_features, minimum=20)
    num_examples = check_int("num_examples", num_examples, minimum=10)
    offset = check_float("offset", offset)
    rate_slider = log_slider("base rate η₀", 1.0, 0.01, 10.0)
    slider_rates = 10.0 ** np.arange(rate_slider.min, rate_slider.max + rate_slider.step / 2,
                                     rate_slider.step)
    offsets = {"global": offset, "count": offset}

    @lru_cache(maxsize=32)
    def stream(zipf_exponent: float) -> SparseRegression:
        return make_sparse_regression(num_features, num_examples, zipf_exponent=zipf_exponent,
                                      num_test=300, seed=seed)

    @lru_cache(maxsize=32)
    def trained(zipf_exponent: float) -> dict[str, SparseRun]:
        return train_side_by_side(stream(zipf_exponent), RATE_RULES, slider_rates, offsets,
                                  num_records=15)

    def draw(zipf_exponent: float, lr: float) -> Figure:
        exponent = round(float(zipf_exponent), 6)
        on_grid = np.flatnonzero(np.isclose(slider_rates, lr, rtol=1e-6))
        if len(on_grid):
            return sparse_comparison_figure(stream(exponent), trained(exponent), int(on_grid[0]))
        runs = train_side_by_side(stream(exponent), RATE_RULES, [lr], offsets,
                                  num_records=15)
        return sparse_comparison_figure(stream(exponent), runs)

    sliders = {"zipf_exponent": float_slider("Zipf exponent a", 1.1, 0.0, 2.0, 0.1),
               "lr": rate_slider}
    return Explorer(draw, sliders)



def preconditioning_explorer(condition: float = 20.0, angle: float = 30.0,
                             lr_times_lambda_max: float = 1.0, *, steps: int = 30) -> Explorer:
    """Sliders for :func:`preconditioning_figure`: condition number (log scale, 1 to 1000),
    rotation angle (0 to 90 degrees) and step size as a multiple of ``1 / λ_max`` (0.1 to 2.1;
    beyond 2 gradient descent diverges, and the figure says so)."""
    steps = check_int("steps", steps)

    def draw(condition: float, angle: float, lr_times_lambda_max: float) -> Figure:
        return preconditioning_figure(condition, angle, lr_times_lambda_max, steps=steps)

    return Explorer(draw, {
        "condition": log_slider("condition κ", condition, 1.0, 1000.0, steps_per_decade=10),
        "angle": float_slider("angle (degrees)", angle, 0.0, 90.0, 5.0, readout_format=".0f"),
        "lr_times_lambda_max": float_slider("η × λ_max", lr_times_lambda_max, 0.1, 2.1, 0.1,
                                    readout_format=".1f"),
    })



def algorithm_explorer(lr: float = 0.4, eps: float = 1e-6, steps: int = 20,
                       start: tuple[float, float] = (-5.0, -2.0)) -> Explorer:
    r"""Sliders for :math:`\eta` (log scale), :math:`\epsilon` (log scale), the number of steps
    and the start point, redrawing :func:`algorithm_figure`.

    Ranges: :math:`\eta \in [0.01, 10]`, :math:`\epsilon \in [10^{-8}, 1]`, steps in
    ``[1, 200]``, each start coordinate in ``[-10, 10]``.
    """
    sliders = {
        "lr": log_slider("learning rate η", lr, 0.01, 10.0),
        "eps": log_slider("ε (in the root)", eps, 1e-8, 1.0, steps_per_decade=2,
                          readout_format=".0e"),
        "steps": int_slider("steps", steps, 1, 200),
        "x1": float_slider("start x1", start[0], -10.0, 10.0, 0.5, readout_format=".1f"),
        "x2": float_slider("start x2", start[1], -10.0, 10.0, 0.5, readout_format=".1f"),
    }
    return Explorer(algorithm_figure, sliders)



def scratch_lr_explorer(lr: float = 0.1, num_examples: int = EXPLORER_EXAMPLES,
                        noise: float = EXPLORER_NOISE, num_epochs: int = 2,
                        seed: int = 0) -> Explorer:
    """A learning-rate slider (log scale, 0.001 to 10) that retrains Adagrad and SGD on
    :func:`lr_explorer_data` and redraws both loss curves (:func:`scratch_lr_figure`).

    The data, its least-squares floor and the initial loss are computed once, outside the redraw.
    """
    X, y = lr_explorer_data(num_examples, noise, seed)
    floor, initial_loss = least_squares_floor(X, y), initial_linreg_loss(X, y, seed)

    def draw(lr: float) -> Figure:
        return scratch_lr_figure(lr, X=X, y=y, floor=floor, initial_loss=initial_loss,
                               num_epochs=num_epochs, seed=seed)

    return Explorer(draw, {"lr": log_slider("learning rate", lr, 0.001, 10.0)})



def rotation_explorer(lr: float = 0.4, steps: int = 20, angle: float = 45.0) -> Explorer:
    """Exercise 2's slider: the angle of the problem (0 to 90 degrees), redrawing
    :func:`rotation_figure` (the sweep over angles is computed once)."""
    lr = check_float("lr", lr, strict=True)
    steps = check_int("steps", steps)
    sweep = rotation_sweep(np.linspace(0, 90, 31), lr, steps)

    def draw(angle: float) -> Figure:
        return rotation_figure(angle, lr, steps, sweep)

    return Explorer(draw, {"angle": float_slider("angle (degrees)", angle, 0.0, 90.0, 5.0,
                                                 readout_format=".0f")})

