r"""The slider explorers of the chapters on the algorithm (notebook 03) and from scratch (04).

Notebook 03 watches Adagrad's per-coordinate *effective learning rate*

.. math::
    \eta_{t,i} = \frac{\eta}{\sqrt{s_{t,i} + \epsilon}},\qquad
    s_{t,i} = \sum_{\tau \le t} g_{\tau,i}^2,

along a 2-D run: :func:`adagrad_2d_history` records it (by running the very trainer
:func:`d2lite.adagrad_2d` through :func:`d2lite.train_2d`, not a copy of it),
:func:`plot_effective_rates` draws it on log-log axes next to the slope :math:`-1/2` that a
steady gradient size would give, and :func:`algorithm_explorer` puts both pictures under sliders.

Notebook 04 trains the linear model with the from-scratch :func:`d2lite.adagrad` and
:func:`d2lite.sgd`: :func:`train_quietly` runs :func:`d2lite.train_scratch` without its printed
line, :func:`plot_loss_curves` draws the loss curves against the best loss any linear model can
reach (:func:`least_squares_floor`), and :func:`scratch_lr_explorer` retrains both optimisers on a
small data set whenever its learning-rate slider moves.
"""
from __future__ import annotations

import contextlib
import io
import math
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np
import torch
from torch.utils.data import DataLoader
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from ._checks import check_float, check_int
from .data import make_loader, synthetic_linreg
from .plotting import new_figure, note_nonfinite
from .scratch import adagrad, init_adagrad_states, sgd
from .trace2d import adagrad_2d, f_2d, train_2d, show_trace_2d
from .training import EVAL_EVERY, init_linreg_params, linreg, squared_loss, train_scratch
from .widgets import Explorer, float_slider, int_slider, log_slider

__all__ = ["AdagradHistory", "adagrad_2d_history", "loglog_slope", "plot_effective_rates",
           "draw_algorithm", "algorithm_explorer", "least_squares_floor", "train_quietly",
           "plot_loss_curves", "lr_explorer_data", "initial_linreg_loss", "draw_scratch_lr",
           "scratch_lr_explorer"]


# --------------------------------------------------------------------------------------------
# Notebook 03: the effective learning rate along a 2-D run
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AdagradHistory:
    r"""What a 2-D Adagrad run went through, step by step.

    ``points`` has shape ``(steps + 1, 2)`` (the start included); ``states`` holds the
    accumulators :math:`(s_{t,1}, s_{t,2})` after each step ``t = 1..steps`` and
    ``effective_rates`` the rates :math:`\eta / \sqrt{s_{t,i} + \epsilon}` used at that step,
    both of shape ``(steps, 2)``.  A run that overflowed holds NaN from there on.
    """

    eta: float
    eps: float
    points: np.ndarray
    states: np.ndarray
    effective_rates: np.ndarray

    @property
    def steps(self) -> int:
        """The number of steps taken."""
        return len(self.states)


def adagrad_2d_history(eta: float, eps: float = 1e-6, steps: int = 20,
                       start: tuple[float, float] = (-5.0, -2.0),
                       f_grad: Callable | None = None) -> AdagradHistory:
    r"""Run :func:`d2lite.adagrad_2d` with :func:`d2lite.train_2d` and record its state.

    The trainer is wrapped so that each state ``(s1, s2)`` it returns is kept; the run itself
    is exactly ``train_2d(adagrad_2d(eta, eps), steps, f_grad, start)``, silent.  The rate
    used at step ``t`` is :math:`\eta/\sqrt{s_t + \epsilon}`, with :math:`s_t` already holding
    the step's own squared gradient.

    >>> history = adagrad_2d_history(0.4)
    >>> [round(float(v), 4) for v in history.points[-1]]
    [-2.3826, -0.1586]
    >>> [round(float(v), 4) for v in history.effective_rates[0]]    # eta/|g_1| = 0.4/1, 0.4/8
    [0.4, 0.05]
    """
    eta = check_float("eta", eta)
    eps = check_float("eps", eps)
    steps = check_int("steps", steps)
    trainer = adagrad_2d(eta, eps)
    states: list[tuple[float, float]] = []

    def recording_trainer(x1, x2, s1, s2, *f_grad_arg):
        x1, x2, s1, s2 = trainer(x1, x2, s1, s2, *f_grad_arg)
        states.append((float(s1), float(s2)))
        return x1, x2, s1, s2

    points = np.asarray(train_2d(recording_trainer, steps, f_grad=f_grad, start=start,
                                 verbose=False), dtype=float)
    state_array = np.full((steps, 2), np.nan)
    state_array[:len(states)] = states
    with np.errstate(invalid="ignore"):
        rates = eta / np.sqrt(state_array + eps)
    return AdagradHistory(eta, eps, points, state_array, rates)


def loglog_slope(values: Sequence[float], first_step: int = 1) -> float:
    r"""The slope :math:`p` of the least-squares line through :math:`(\log t, \log v_t)`.

    ``values[k]`` belongs to step ``t = k + 1``; the fit uses the steps ``t >= first_step``.
    A power law :math:`v_t = c\,t^{p}` gives back exactly ``p``.  Needs at least two finite,
    positive values in the fitted range.

    >>> round(loglog_slope([3 * t ** -0.5 for t in range(1, 50)]), 6)
    -0.5
    """
    first_step = check_int("first_step", first_step)
    values = np.asarray(values, dtype=float)
    t = np.arange(1, len(values) + 1, dtype=float)
    keep = (t >= first_step) & np.isfinite(values) & (values > 0)
    if keep.sum() < 2:
        raise ValueError(f"values must hold at least two finite positive numbers from step "
                         f"{first_step} on, got {keep.sum()}")
    slope, _ = np.polyfit(np.log(t[keep]), np.log(values[keep]), 1)
    return float(slope)


# Plain Unicode instead of mathtext ($x_1$) in labels: parsing mathtext is a large share of the
# time a redraw takes, and a slider redraw should stay fast.
_COORDINATE = ("x₁", "x₂")


def plot_effective_rates(history: AdagradHistory, ax: Axes | None = None,
                         reference: bool = True, fit_from: int = 1) -> Axes:
    r"""Draw each coordinate's effective rate against the step on log-log axes; return the Axes.

    Runs longer than 800 steps are drawn at no more than 400 log-spaced steps.  With
    ``reference`` a dashed line of slope :math:`-1/2` starts at each coordinate's first rate:
    the rate that coordinate would have if its gradient kept the size it had at step 1.  The
    legend gives each coordinate's log-log slope (:func:`loglog_slope`), fitted on the
    steps ``t >= fit_from``.
    """
    if not isinstance(history, AdagradHistory):
        raise TypeError(f"history must be an AdagradHistory from adagrad_2d_history, "
                        f"got {type(history).__name__}")
    fit_from = check_int("fit_from", fit_from)
    if ax is None:
        _, ax = new_figure()
    t = np.arange(1, history.steps + 1)
    fitted = "" if fit_from == 1 else f" for t ≥ {fit_from}"
    # Long runs are drawn at no more than 400 log-spaced steps (the slopes use every step): on
    # log axes that looks the same and renders in a fraction of the time.
    shown = np.unique(np.rint(np.geomspace(1, len(t), 400)).astype(int)) - 1 if len(t) > 800 else \
        np.arange(len(t))
    marker = "o" if len(t) <= 200 else ""
    for i, color in enumerate(("C1", "C2")):
        rates = history.effective_rates[:, i]
        finite = np.isfinite(rates) & (rates > 0)
        try:
            # round first, so that a slope of -1e-17 reads +0.00, not -0.00
            slope = f"slope {round(loglog_slope(rates, fit_from), 2) + 0.0:+.2f}{fitted}"
        except ValueError:
            slope = "slope n/a"
        drawn = shown[finite[shown]]
        ax.plot(t[drawn], rates[drawn], "-" + marker, markersize=2.5, color=color,
                label=f"{_COORDINATE[i]} ({slope})")
        if reference and finite.any():
            first = int(np.argmax(finite))
            tt = t[shown[shown >= first]]
            ax.plot(tt, rates[first] * np.sqrt(t[first] / tt), "--", color=color, linewidth=0.9,
                    alpha=0.7)
        if not finite.all():
            note_nonfinite(ax, f"the rate of {_COORDINATE[i]} became inf or NaN")
    ax.plot([], [], "k--", linewidth=0.9, alpha=0.7, label="slope −1/2")
    ax.set(xscale="log", yscale="log", xlabel="step t",
           ylabel="effective rate")
    _plain_log_ticks(ax)
    ax.legend(fontsize="small")
    return ax


def _plain_log_ticks(ax: Axes) -> None:
    # Ticks at powers of ten (and 2 and 5 times them, or every digit, on a short axis) written as
    # plain numbers, no minor ticks: as readable as the default and much cheaper to render, so a
    # slider redraw stays fast.  Call it after the data are drawn.
    for axis, limits in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
        if axis.get_scale() != "log":
            continue
        low, high = sorted(limits)
        decades = math.log10(high / low) if low > 0 else math.inf
        subs = (tuple(range(1, 10)) if decades <= 1.2 else (1.0, 2.0, 5.0) if decades <= 2.5
                else (1.0,))
        axis.set_major_locator(LogLocator(subs=subs, numticks=8))
        axis.set_minor_locator(NullLocator())
        axis.set_major_formatter(FuncFormatter(_plain_number))
    ax.grid(True, alpha=0.25)


def _plain_number(value: float, _position=None) -> str:
    return f"{value:g}" if 1e-3 <= abs(value) < 1e4 else f"{value:.0e}"


def draw_algorithm(eta: float = 0.4, eps: float = 1e-6, steps: int = 20, x1: float = -5.0,
                   x2: float = -2.0) -> Figure:
    """The explorer's figure: the Adagrad path on the contours and the effective rates."""
    history = adagrad_2d_history(eta, eps, steps, start=(x1, x2))
    fig, (ax_path, ax_rate) = new_figure(1, 2, figsize=(8.4, 3.6), margins=dict(
        left=0.08, right=0.98, bottom=0.17, top=0.9, wspace=0.3))
    show_trace_2d(f_2d, history.points, ax=ax_path, grid_points=60, levels=10)
    end = history.points[-1]
    ax_path.set(xlabel=_COORDINATE[0], ylabel=_COORDINATE[1])
    ax_path.set_title(f"η = {eta:.3g}: after {steps} steps at ({end[0]:.3g}, {end[1]:.3g})",
                      fontsize="medium")
    plot_effective_rates(history, ax=ax_rate)
    ax_rate.set_title("effective rate η/√(s + ε) (log-log)", fontsize="medium")
    return fig


def algorithm_explorer(eta: float = 0.4, eps: float = 1e-6, steps: int = 20,
                       start: tuple[float, float] = (-5.0, -2.0)) -> Explorer:
    r"""Sliders for :math:`\eta` (log scale), :math:`\epsilon` (log scale), the number of steps
    and the start point, redrawing :func:`draw_algorithm`.

    Ranges: :math:`\eta \in [0.01, 10]`, :math:`\epsilon \in [10^{-8}, 1]`, steps in
    ``[1, 200]``, each start coordinate in ``[-10, 10]``.
    """
    sliders = {
        "eta": log_slider("learning rate η", eta, 0.01, 10.0),
        "eps": log_slider("ε (in the root)", eps, 1e-8, 1.0, steps_per_decade=2,
                          readout_format=".0e"),
        "steps": int_slider("steps", steps, 1, 200),
        "x1": float_slider("start x1", start[0], -10.0, 10.0, 0.5, readout_format=".1f"),
        "x2": float_slider("start x2", start[1], -10.0, 10.0, 0.5, readout_format=".1f"),
    }
    return Explorer(draw_algorithm, sliders)


# --------------------------------------------------------------------------------------------
# Notebook 04: training from scratch, and a learning-rate slider that retrains
# --------------------------------------------------------------------------------------------

def least_squares_floor(X: torch.Tensor | np.ndarray, y: torch.Tensor | np.ndarray) -> float:
    r"""The smallest mean half squared error any linear model :math:`X\mathbf{w} + b` reaches.

    Solved exactly by least squares (with a column of ones for the bias).  No optimiser on the
    training loss can go below it; with Gaussian label noise of standard deviation
    :math:`\sigma` it is close to :math:`\sigma^2/2`.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    if X.ndim != 2 or len(X) != len(y):
        raise ValueError(f"X must be a matrix with one row per label: X has shape {X.shape}, "
                         f"y has {len(y)} entries")
    design = np.column_stack([X, np.ones(len(X))])
    solution, *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(np.mean((design @ solution - y) ** 2) / 2)


def train_quietly(trainer_fn: Callable, states: object, hyperparams: Mapping[str, float],
                  data_iter: DataLoader,
                  feature_dim: int, num_epochs: int = 2,
                  seed: int = 0) -> tuple[list[float], list[float], str]:
    """:func:`d2lite.train_scratch` without animation, its printed line captured, not shown.

    Returns ``(times, losses, printed)`` where ``printed`` is the line it would have printed.
    """
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        times, losses = train_scratch(trainer_fn, states, hyperparams, data_iter, feature_dim,
                                      num_epochs=num_epochs, animate=False, seed=seed)
    return times, losses, buffer.getvalue().strip()


def plot_loss_curves(curves: Mapping[str, Sequence[float]], num_examples: int,
                     ax: Axes | None = None, floor: float | None = None,
                     initial_loss: float | None = None, yscale: str = "linear") -> Axes:
    """Draw loss curves recorded by :func:`d2lite.train_scratch` against the epoch; return the Axes.

    ``curves`` maps a label to the losses evaluated every 200 examples of a data set of
    ``num_examples`` examples (so the k-th loss sits at epoch ``200 k / num_examples``).
    ``floor``, when given, is drawn as a dotted line (e.g. :func:`least_squares_floor`);
    ``initial_loss``, the loss before training (the same for every curve trained from the same
    seed), starts each curve at epoch 0.  A curve that reached inf or NaN is drawn up to there
    and the plot says so.
    """
    num_examples = check_int("num_examples", num_examples)
    if not curves:
        raise ValueError("curves must hold at least one {label: losses} entry")
    if ax is None:
        _, ax = new_figure()
    broken = []
    for i, (label, losses) in enumerate(curves.items()):
        losses = np.asarray(losses, dtype=float)
        epochs = EVAL_EVERY * np.arange(1, len(losses) + 1) / num_examples
        if initial_loss is not None:
            losses = np.concatenate([[initial_loss], losses])
            epochs = np.concatenate([[0.0], epochs])
        finite = np.isfinite(losses)
        last = len(losses) if finite.all() else int(np.argmin(finite))
        ax.plot(epochs[:last], losses[:last], "-o", markersize=3, color=f"C{i}", label=label)
        if last < len(losses):
            broken.append(f"{label}: the loss became inf or NaN at epoch {epochs[last]:.2g}")
    if floor is not None:
        ax.axhline(check_float("floor", floor), color="k", linestyle=":", linewidth=1,
                   label=f"best linear fit ({floor:.3f})")
    ax.set(xlabel="epoch", ylabel="loss (half MSE)", yscale=yscale)
    _plain_log_ticks(ax)
    ax.grid(True, alpha=0.25)
    ax.legend(fontsize="small")
    if broken:
        note_nonfinite(ax, "\n".join(broken) + "\n(the learning rate is too large)")
    return ax


EXPLORER_EXAMPLES = 500  # a third of the notebook's data set, so that a redraw retrains fast
EXPLORER_NOISE = 0.7


def lr_explorer_data(num_examples: int = EXPLORER_EXAMPLES, noise: float = EXPLORER_NOISE,
                     seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """The first ``num_examples`` examples ``(X, y)`` of the synthetic set
    ``synthetic_linreg(noise=noise, seed=seed)``.

    The full set has its default 1,500 examples (the one notebook 04 trains on); the learning-rate
    explorer retrains on this subset so that a redraw stays fast.
    """
    num_examples = check_int("num_examples", num_examples, minimum=2)
    data_iter, _ = synthetic_linreg(noise=noise, seed=seed)
    X, y = data_iter.dataset.tensors
    if num_examples > len(X):
        raise ValueError(f"num_examples must be at most {len(X)}, got {num_examples}")
    return X[:num_examples], y[:num_examples]


def initial_linreg_loss(X: torch.Tensor, y: torch.Tensor, seed: int = 0) -> float:
    """The loss (half MSE) of the model :func:`d2lite.train_scratch` starts from with ``seed``.

    That is, weights from :func:`d2lite.init_linreg_params` with ``seed`` and bias 0: the point
    at epoch 0 of every loss curve trained from that seed.
    """
    w, b = init_linreg_params(X.shape[1], seed)
    with torch.no_grad():
        return float(squared_loss(linreg(X, w, b), y).mean())


def draw_scratch_lr(lr: float = 0.1, *, X: torch.Tensor | None = None,
                    y: torch.Tensor | None = None, floor: float | None = None,
                    initial_loss: float | None = None, num_epochs: int = 2, batch_size: int = 10,
                    seed: int = 0) -> Figure:
    """Train the linear model with from-scratch Adagrad and minibatch SGD at rate ``lr``; plot both.

    Without ``X`` and ``y`` it uses :func:`lr_explorer_data` (500 examples).  The loader
    is rebuilt from ``seed`` on every call, so the same ``lr`` always gives the same figure.
    The loss axis is logarithmic so that a diverging SGD run stays on the chart.
    """
    lr = check_float("lr", lr, strict=True)
    if X is None or y is None:
        X, y = lr_explorer_data()
    feature_dim = X.shape[1]
    if floor is None:
        floor = least_squares_floor(X, y)
    if initial_loss is None:
        initial_loss = initial_linreg_loss(X, y, seed)
    curves, finals = {}, []
    for name, trainer_fn, states in (("Adagrad", adagrad, init_adagrad_states(feature_dim)),
                                     ("minibatch SGD", sgd, None)):
        loader = make_loader(X, y, batch_size, seed)
        _, losses, _ = train_quietly(trainer_fn, states, {"lr": lr}, loader, feature_dim,
                                     num_epochs=num_epochs, seed=seed)
        curves[name] = losses
        finals.append(f"{name} {losses[-1]:.3g}" if math.isfinite(losses[-1])
                      else f"{name} diverged")
    fig, ax = new_figure(figsize=(5.6, 3.4),
                         margins=dict(left=0.17, right=0.97, bottom=0.19, top=0.9))
    plot_loss_curves(curves, len(X), ax=ax, floor=floor, initial_loss=initial_loss,
                     yscale="log")
    ax.set_title(f"lr = {lr:.3g}, final loss: " + ", ".join(finals), fontsize="medium")
    return fig


def scratch_lr_explorer(lr: float = 0.1, num_examples: int = EXPLORER_EXAMPLES,
                        noise: float = EXPLORER_NOISE, num_epochs: int = 2,
                        seed: int = 0) -> Explorer:
    """A learning-rate slider (log scale, 0.001 to 10) that retrains Adagrad and SGD on
    :func:`lr_explorer_data` and redraws both loss curves (:func:`draw_scratch_lr`).

    The data, its least-squares floor and the initial loss are computed once, outside the redraw.
    """
    X, y = lr_explorer_data(num_examples, noise, seed)
    floor, initial_loss = least_squares_floor(X, y), initial_linreg_loss(X, y, seed)

    def draw(lr: float) -> Figure:
        return draw_scratch_lr(lr, X=X, y=y, floor=floor, initial_loss=initial_loss,
                               num_epochs=num_epochs, seed=seed)

    return Explorer(draw, {"lr": log_slider("learning rate", lr, 0.001, 10.0)})
