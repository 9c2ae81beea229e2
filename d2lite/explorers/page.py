r"""Explorers that run in the page: sliders answered by JavaScript, with or without a kernel.

A :class:`PageExplorer` displays as one self-contained piece of HTML: a still PNG of the
default setting (drawn by d2lite's matplotlib code, so a reader whose page runs no scripts sees
the real figure) with a one-line caption, the explorer's settings and data as JSON, and an
inline ``<script type="module">`` holding the small JavaScript sources of ``d2lite/web``.
When the script runs it hides the still and draws the live figure with its sliders; each input
recomputes and redraws in the page, so the sliders move while dragged and need no kernel.

The 2-D explorers run their iterations in JavaScript (``d2lite/explorers/web/quadratic.js`` repeats
d2lite's arithmetic, checked equal by ``tests/e2e/test_parity.py``); the training explorers
get their whole slider grid from Python (below) and only select and draw.

>>> made = algorithm_explorer()
>>> [slider.name for slider in made.sliders]
['lr', 'eps', 'steps', 'x1', 'x2']
>>> 'data-kind="algorithm"' in made.html()
True

The two training explorers get every slider position computed when the cell runs: the page
cannot train a model, so Python trains it for every position of the sliders at once and ships
the results, and the page's JavaScript (``d2lite/explorers/web/grid.js``) only selects and draws.

* :func:`sparse_grid` (notebook 01): for each Zipf exponent of the slider, one stream and one
  vectorised pass of :func:`d2lite.problems.sparse.train_side_by_side` that trains the three
  rate rules at every base rate of the slider (the function the notebook's experiments use).
* :func:`lr_grid` (notebook 04): the from-scratch Adagrad and minibatch SGD trained by the one
  loop, :func:`d2lite.train_scratch`, once per learning rate of the slider (82 short runs, a few
  seconds: the loop itself, so the grid cannot drift from what the notebook trains).

Positive results (losses, errors) travel as 16-bit codes of their logarithm
(:func:`encode_log`), to 0.07 % relative precision, which is finer than a pixel of the figure
and keeps each explorer's HTML under about 300 KB; a code of 65535 means "not finite".

>>> codes = encode_log([1.0, 0.5, float("inf")])
>>> [round(float(v), 3) for v in decode_log(codes)]
[1.0, 0.5, nan]
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure

from d2lite._checks import check_float, check_int
from d2lite.book.data import make_loader
from d2lite.book.scratch import adagrad, init_adagrad_states, sgd
from d2lite.book.training import EVAL_EVERY, initial_linreg_loss, least_squares_floor, train_scratch
from d2lite.explorers.figures import (algorithm_figure, lr_explorer_data, preconditioning_figure,
                                      rotation_figure, scratch_lr_figure, sparse_comparison_figure)
from d2lite.problems.sparse import (RATE_RULES, binned_median, make_sparse_regression,
                                    train_side_by_side, weight_errors)
from d2lite.style import ROLE_COLOURS, colour_of, figure_to_png

__all__ = ["Slider", "linear_slider", "log_slider", "PageExplorer", "bundle", "palette", "explorer",
           "algorithm_explorer", "preconditioning_explorer", "rotation_explorer",
           "encode_log", "decode_log", "sparse_grid", "sparse_explorer", "lr_grid",
           "scratch_lr_explorer"]

WEB = Path(__file__).with_name("web")
#: The JavaScript sources, in the order the bundle needs them (each uses only earlier ones).
SOURCES = ("quadratic.js", "plot.js", "explorer2d.js", "grid.js", "boot.js")
KINDS = ("algorithm", "preconditioning", "rotation", "sparse", "lr")
# The caption speaks of the page it is on: the static site (tools/render_html.py) shows the
# second part and hides the first; everywhere else (Jupyter, GitHub) the first shows.
CAPTION = ('Still image of the default setting: the sliders appear where the page runs its '
           'script (<span class="d2lite-in-jupyter">in Jupyter: run this cell, or trust the '
           'notebook</span><span class="d2lite-on-site" hidden>on this page: turn JavaScript '
           'on</span>).')
#: The explorers' layout: slider rows that reflow at narrow widths, 28 px touch targets (WCAG
#: 2.5.8 asks 24), a visible focus ring, a figure whose panels stack on a phone (boot.js) and
#: that scrolls sideways only where even that would shrink its text below 11 px, and the
#: figure's summary in words for screen readers.
STYLE = (
    "<style>.d2lite-explorer .d2lite-figure{overflow-x:auto}"
    ".d2lite-explorer .d2lite-slider{display:grid;grid-template-columns:minmax(7em,150px) 28px "
    "minmax(120px,320px) 28px 5em;align-items:center;gap:6px;margin:2px 0}"
    ".d2lite-explorer input[type=range]{height:28px;margin:0;width:100%;min-width:120px}"
    ".d2lite-explorer button{min-height:28px;min-width:28px}"
    ".d2lite-explorer :focus-visible{outline:3px solid #0b6fd4;outline-offset:2px}"
    ".d2lite-explorer .d2lite-summary{position:absolute;width:1px;height:1px;overflow:hidden;"
    "clip:rect(0 0 0 0);white-space:nowrap;margin:0}"
    ".d2lite-explorer .d2lite-hint{color:#595959}"
    ".d2lite-explorer .d2lite-startpad,.d2lite-explorer .d2lite-stepper{display:flex;gap:6px;"
    "align-items:center;flex-wrap:wrap;margin-top:4px}"
    "@media (max-width:560px){.d2lite-explorer .d2lite-slider{grid-template-columns:28px 1fr 28px "
    "5em}.d2lite-explorer .d2lite-slider label{grid-column:1/-1}}</style>")


@dataclass(frozen=True)
class Slider:
    """One slider: ``value`` in ``[min, max]``, moving by ``step`` (linear) or, when
    ``per_decade`` is set, over ``per_decade`` positions per factor of ten (log scale)."""

    name: str
    label: str
    value: float
    min: float
    max: float
    step: float | None = None
    per_decade: int | None = None
    format: str = ""

    def __post_init__(self) -> None:
        if not self.min <= self.value <= self.max:
            raise ValueError(f"slider {self.name!r}: value must lie in [min, max] = "
                             f"[{self.min}, {self.max}], got {self.value}")

    @property
    def positions(self) -> list[float]:
        """Every value the slider can take, in order.

        >>> log_slider("lr", "rate", 1.0, 0.1, 10.0, per_decade=2).positions
        [0.1, 0.31622776601683794, 1.0, 3.1622776601683795, 10.0]
        """
        if self.per_decade:
            low, high = math.log10(self.min), math.log10(self.max)
            count = round((high - low) * self.per_decade)
            return [10 ** (k / self.per_decade + low) for k in range(count + 1)]
        count = round((self.max - self.min) / self.step)
        return [self.min + k * self.step for k in range(count + 1)]

    def to_json(self) -> dict[str, Any]:
        """The slider as the page's JavaScript reads it."""
        out = dict(name=self.name, label=self.label, value=self.value, min=self.min,
                   max=self.max, format=self.format)
        if self.per_decade:
            out.update(log=True, per_decade=self.per_decade)
        else:
            out.update(step=self.step)
        return out


def linear_slider(name: str, label: str, value: float, min: float, max: float,
                  step: float, format: str = "") -> Slider:
    """A slider over ``[min, max]`` in steps of ``step`` (``format="int"`` shows integers).

    >>> linear_slider("angle", "angle (degrees)", 30, 0, 90, 5).positions[:3]
    [0, 5, 10]
    """
    check_float("step", step, strict=True)
    check_float(name, value, minimum=-math.inf)
    return Slider(name, label, value, min, max, step=step, format=format)


def log_slider(name: str, label: str, value: float, min: float, max: float,
               per_decade: int = 10, format: str = "") -> Slider:
    """A slider over ``[min, max]`` on a log10 scale with ``per_decade`` positions per decade
    (``format="exp"`` shows values like ``1e-06``).

    >>> log_slider("eta", "η", 0.4, 0.01, 10).per_decade
    10
    """
    check_float("min", min, strict=True)
    check_float(name, value, strict=True)
    per_decade = check_int("per_decade", per_decade)
    return Slider(name, label, value, min, max, per_decade=per_decade, format=format)


@lru_cache(maxsize=1)
def bundle() -> str:
    """The JavaScript of ``d2lite/web`` as one inline module: the files in order, with their
    ``import`` lines and ``export`` keywords taken out (they share one scope instead).

    >>> "function adagradRun" in bundle() and "import {" not in bundle()
    True
    """
    parts = []
    for name in SOURCES:
        text = (WEB / name).read_text(encoding="utf-8")
        text = re.sub(r"^import [^;]*;\n", "", text, flags=re.MULTILINE)
        text = re.sub(r"^export ", "", text, flags=re.MULTILINE)
        parts.append(f"// ---- d2lite/explorers/web/{name}\n{text}")
    return "\n".join(parts)


def _script_safe(text: str) -> str:
    # nothing inside a <script> may close it early
    return text.replace("</", "<\\/")


@dataclass
class PageExplorer:
    """An explorer of one ``kind`` with its ``sliders``, any precomputed ``data`` (JSON-able),
    its ``settings`` (fixed numbers the page needs) and the ``still`` PNG of the default state."""

    kind: str
    sliders: list[Slider]
    still: bytes
    settings: dict[str, Any] = field(default_factory=dict)
    data: Any = None
    caption: str = CAPTION
    #: The still's text alternative: what the figure of the default setting shows.
    alt: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {list(KINDS)}, got {self.kind!r}")
        names = [slider.name for slider in self.sliders]
        if len(set(names)) != len(names) or not names:
            raise ValueError(f"sliders must have distinct names, got {names}")

    def config(self) -> dict[str, Any]:
        """What the page's JavaScript is given: kind, sliders, settings and data."""
        return {"kind": self.kind, "sliders": [s.to_json() for s in self.sliders],
                **self.settings, "data": self.data}

    def html(self) -> str:
        """The self-contained HTML: still, caption, hidden reason line, config and script."""
        config = json.dumps(self.config(), separators=(",", ":"), allow_nan=False)
        # the same explorer always gets the same key, so stored outputs are reproducible
        key = hashlib.sha1(config.encode()).hexdigest()[:12]
        png = base64.b64encode(self.still).decode("ascii")
        return (
            f'<div class="d2lite-explorer" data-kind="{self.kind}" data-key="{key}">{STYLE}'
            f'<figure class="d2lite-still" style="margin:0">'
            f'<img src="data:image/png;base64,{png}" alt="{html.escape(self.alt or self.kind + " explorer, default setting")}"'
            f' style="max-width:100%"><figcaption style="font-size:90%;color:#555">'
            f'{self.caption}</figcaption></figure>'
            f'<p data-role="reason" hidden style="color:#b2182b"></p>'
            f'<script type="application/json" class="d2lite-config">{_script_safe(config)}'
            f'</script><script type="module">\n{_script_safe(bundle())}\n'
            f'mountAll("{key}");\n</script></div>')

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        names = ", ".join(slider.name for slider in self.sliders)
        return {"text/html": self.html(),
                "text/plain": f"{self.kind} explorer with sliders: {names} (runs in the page)"}


def _still(fig: Figure) -> bytes:
    return figure_to_png(fig, dpi=100)  # stored figures are at least 100 dpi, readable


def palette() -> dict[str, str]:
    """The colours the page draws with, by role, from :mod:`d2lite.style` (so the live figure
    and its still image agree).

    >>> from d2lite.style import colour_of
    >>> palette()["adagrad"] == colour_of("Adagrad")
    True
    """

    gd = colour_of("gradient descent")
    return {"adagrad": colour_of("Adagrad"), "gd": gd, "sgd": gd, **ROLE_COLOURS,
            "global": colour_of("global clock"), "count": colour_of("count clock")}


def explorer(kind: str, sliders: list[Slider], still: Figure, settings: dict | None = None,
             data: Any = None, alt: str = "") -> PageExplorer:
    """A :class:`PageExplorer` whose still image is the matplotlib figure ``still`` (with the
    text alternative ``alt``) and whose page draws with the collection's colours (:func:`palette`)."""
    return PageExplorer(kind, sliders, _still(still),
                        settings={**(settings or {}), "colours": palette()}, data=data, alt=alt)


def algorithm_explorer(lr: float = 0.4, eps: float = 1e-6, steps: int = 20,
                       start: tuple[float, float] = (-5.0, -2.0)) -> PageExplorer:
    r"""Notebook 03: Adagrad on :math:`0.1x_1^2 + 2x_2^2` with sliders for :math:`\eta`
    (``lr``, 0.01 to 10, log), :math:`\epsilon` (1e-8 to 1, log), the steps (1 to 200) and the
    start (each coordinate -10 to 10; it can also be dragged), next to the effective rates.
    The still is :func:`d2lite.explorers.figures.algorithm_figure`."""

    sliders = [log_slider("lr", "learning rate η", lr, 0.01, 10.0),
               log_slider("eps", "ε (in the root)", eps, 1e-8, 1.0, per_decade=2, format="exp"),
               linear_slider("steps", "steps", steps, 1, 200, 1, format="int"),
               linear_slider("x1", "start x₁", start[0], -10.0, 10.0, 0.5),
               linear_slider("x2", "start x₂", start[1], -10.0, 10.0, 0.5)]
    alt = (f"Still of the default setting. Left: Adagrad's path, {steps} steps at η = {lr:g} and "
           f"ε = {eps:g} from ({start[0]:g}, {start[1]:g}), on the elliptical contours of "
           f"0.1 x₁² + 2 x₂² whose minimum is at the origin. Right: the effective rates of x₁ and "
           f"x₂ against the step on log-log axes, with their fitted slopes.")
    return explorer("algorithm", sliders, algorithm_figure(lr, eps, steps, *start), alt=alt)


def preconditioning_explorer(condition: float = 20.0, angle: float = 30.0,
                             lr_times_lambda_max: float = 1.0) -> PageExplorer:
    r"""Notebook 02: gradient descent before and after diagonal preconditioning, with sliders
    for the condition number (1 to 1000, log), the angle of the axes (0 to 90 degrees) and the
    step size as a multiple of :math:`1/\lambda_{\max}` (0.1 to 2.1; from 2 on it diverges).
    The still is :func:`d2lite.explorers.figures.preconditioning_figure`; the paths are
    :func:`d2lite.explorers.figures.preconditioning_runs`."""

    sliders = [log_slider("condition", "condition κ", condition, 1.0, 1000.0),
               linear_slider("angle", "angle (degrees)", angle, 0.0, 90.0, 5.0),
               linear_slider("lr_times_lambda_max", "η × λ_max", lr_times_lambda_max, 0.1, 2.1, 0.1)]
    figure = preconditioning_figure(condition, angle, lr_times_lambda_max, steps=30)
    alt = (f"Still of the default setting. Left: gradient descent, 30 steps of size "
           f"{lr_times_lambda_max:g}/λ_max from (−5, −2), on a quadratic of condition number "
           f"{condition:g} whose axes are turned by {angle:g} degrees, with the preconditioned "
           f"path mapped back. Right: the same preconditioned run in the rescaled coordinates "
           f"y = √Q_ii x_i, where the contours are rounder.")
    return explorer("preconditioning", sliders, figure, {"steps": 30}, alt=alt)


def rotation_explorer(lr: float = 0.4, steps: int = 20, angle: float = 45.0) -> PageExplorer:
    """Notebook 09, exercise 2: the chapter's problem turned by an angle (0 to 90 degrees);
    Adagrad's and gradient descent's paths, and the distance after ``steps`` steps against the
    angle for both (:func:`d2lite.problems.quadratic.rotation_sweep`).  The still is
    :func:`d2lite.explorers.figures.rotation_figure`."""

    lr = check_float("lr", lr, strict=True)
    steps = check_int("steps", steps)
    sliders = [linear_slider("angle", "angle (degrees)", angle, 0.0, 90.0, 5.0)]
    alt = (f"Still of the default setting. Left: Adagrad's and gradient descent's paths, {steps} "
           f"steps at η = {lr:g}, on the chapter's problem turned by {angle:g} degrees. Right: "
           f"each one's distance to the optimum after {steps} steps against the angle, 0 to 90 "
           f"degrees: flat for gradient descent, varying with the angle for Adagrad.")
    return explorer("rotation", sliders, rotation_figure(angle, lr, steps),
                    {"lr": lr, "steps": steps}, alt=alt)


LOG_RANGE = (-12.0, 6.0)  # decades covered by the 16-bit codes
NOT_FINITE = 65535


def encode_log(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Positive values as uint16 codes of log10 over ``LOG_RANGE`` (clipped); 65535 = inf/NaN."""
    values = np.asarray(values, dtype=float)
    low, high = LOG_RANGE
    with np.errstate(divide="ignore", invalid="ignore"):
        position = (np.log10(np.clip(values, 10 ** low, 10 ** high)) - low) / (high - low)
    codes = np.rint(position * (NOT_FINITE - 1))
    return np.where(np.isfinite(values) & (values > 0), codes, NOT_FINITE).astype("<u2")


def decode_log(codes: np.ndarray) -> np.ndarray:
    """The values :func:`encode_log` stands for (NaN for 65535), as the page decodes them."""
    codes = np.asarray(codes, dtype=float)
    low, high = LOG_RANGE
    return np.where(codes == NOT_FINITE, np.nan, 10 ** (low + codes / (NOT_FINITE - 1) * (high - low)))


def _base64(codes: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(codes, dtype="<u2").tobytes()).decode("ascii")


# --------------------------------------------------------------------------------------------
# Notebook 01: sparse features
# --------------------------------------------------------------------------------------------

SPARSE_RULES = ("global", "count", "adagrad")


def sparse_grid(exponents: Sequence[float], lrs: Sequence[float], *,
                num_features: int = 300, num_examples: int = 1500, offset: float = 10.0,
                num_bins: int = 8, num_records: int = 15, seed: int = 0) -> dict[str, Any]:
    r"""Loss curves and median errors by frequency for every (exponent, base rate, rule).

    For each exponent: the stream ``make_sparse_regression(num_features, num_examples,
    zipf_exponent=exponent, num_test=300, seed=seed)`` and one call of
    :func:`d2lite.problems.sparse.train_side_by_side` for the three rules at all base rates ``lrs``
    (:math:`\eta_0`; both clocks with
    constant ``offset``).  Returns arrays indexed ``[exponent, rule, rate, ...]``:
    ``test_loss`` (records), ``diverged``, ``centres`` and ``medians`` (per frequency bin, as
    :func:`d2lite.problems.sparse.binned_median` computes them; NaN pads missing bins and diverged runs).
    """

    check_int("num_bins", num_bins)
    offset = check_float("offset", offset)
    lrs = np.asarray(lrs, dtype=float)
    shape = (len(exponents), len(SPARSE_RULES), len(lrs))
    test_loss: list[list[np.ndarray]] = []
    diverged = np.zeros(shape, dtype=bool)
    centres = np.full((len(exponents), num_bins), np.nan)
    medians = np.full(shape + (num_bins,), np.nan)
    for e, exponent in enumerate(exponents):
        data = make_sparse_regression(num_features, num_examples, zipf_exponent=float(exponent),
                                      num_test=300, seed=seed)
        runs = train_side_by_side(data, RATE_RULES, lrs,
                                  {"global": offset, "count": offset}, num_records=num_records)
        frequencies = data.frequencies()
        test_loss.append([runs[name].test_loss for name in SPARSE_RULES])
        for r, name in enumerate(SPARSE_RULES):
            run = runs[name]
            diverged[e, r] = run.diverged
            for k in np.flatnonzero(~run.diverged):
                c, m = binned_median(frequencies, weight_errors(run.weights[k], data), num_bins)
                centres[e, :len(c)] = c
                medians[e, r, k, :len(m)] = m
    return {"exponents": np.asarray(exponents, dtype=float), "lrs": lrs,
            "steps": runs[SPARSE_RULES[0]].steps, "test_loss": np.array(test_loss), "diverged": diverged, "centres": centres,
            "medians": medians, "rule_names": [RATE_RULES[n].name for n in SPARSE_RULES]}


def sparse_explorer(zipf_exponent: float = 1.1, lr: float = 1.0, *,
                    num_features: int = 300, num_examples: int = 1500,
                    offset: float = 10.0, seed: int = 0) -> PageExplorer:
    r"""Notebook 01: sliders for the Zipf exponent (0 to 2) and the base rate :math:`\eta_0`
    (0.01 to 10, log), shared by the global clock, the count clock and Adagrad.

    The whole grid (21 exponents x 31 rates x 3 rules) is trained when this runs
    (:func:`sparse_grid`, a second or two); the still is
    :func:`d2lite.explorers.figures.sparse_comparison_figure` at the default setting.
    """

    exponent_slider = linear_slider("zipf_exponent", "Zipf exponent a", zipf_exponent, 0.0, 2.0, 0.1)
    rate_slider = log_slider("lr", "base rate η₀", lr, 0.01, 10.0)
    exponents = [round(v, 6) for v in exponent_slider.positions]
    grid = sparse_grid(exponents, rate_slider.positions, num_features=num_features,
                       num_examples=num_examples, offset=offset, seed=seed)
    data = make_sparse_regression(num_features, num_examples, zipf_exponent=zipf_exponent,
                                  num_test=300, seed=seed)
    still_runs = train_side_by_side(data, RATE_RULES, [lr],
                                    {"global": offset, "count": offset}, num_records=15)
    payload = {"exponents": grid["exponents"].tolist(), "rates": grid["lrs"].tolist(),
               "steps": grid["steps"].tolist(), "rules": grid["rule_names"],
               "records": grid["test_loss"].shape[-1], "bins": grid["medians"].shape[-1],
               "diverged": grid["diverged"].astype(int).ravel().tolist(),
               "test_loss": _base64(encode_log(grid["test_loss"]).ravel()),
               "centres": _base64(encode_log(grid["centres"]).ravel()),
               "medians": _base64(encode_log(np.maximum(grid["medians"], 1e-6)).ravel())}
    alt = (f"Still of the default setting (Zipf exponent {zipf_exponent:g}, base rate η₀ = {lr:g}). "
           f"Left: the excess test loss of the global clock, the count clock and Adagrad against "
           f"the step, log-log. Right: the median error of the weights against the feature's "
           f"frequency, log-log, one line per rule.")
    return explorer("sparse", [exponent_slider, rate_slider],
                    sparse_comparison_figure(data, still_runs), data=payload, alt=alt)


# --------------------------------------------------------------------------------------------
# Notebook 04: the learning rate of training from scratch
# --------------------------------------------------------------------------------------------

def lr_grid(learning_rates: Sequence[float], X: torch.Tensor, y: torch.Tensor, *, num_epochs: int = 2, batch_size: int = 10,
            seed: int = 0) -> dict[str, Any]:
    """The losses of from-scratch Adagrad and minibatch SGD at every learning rate.

    Each run is :func:`d2lite.train_scratch` itself, on a loader rebuilt from ``seed``: exactly
    the run the notebook's one-off calls make.  Returns ``{"lr": rates, "Adagrad": losses,
    "minibatch SGD": losses}``, the losses one row per rate, one column per evaluation.
    """

    num_epochs = check_int("num_epochs", num_epochs)
    learning_rates = [check_float(f"learning_rates[{i}]", v, strict=True)
                      for i, v in enumerate(learning_rates)]
    feature_dim = X.shape[1]
    losses: dict[str, list[list[float]]] = {"Adagrad": [], "minibatch SGD": []}
    for lr in learning_rates:
        for name, trainer_fn, states in (("Adagrad", adagrad, init_adagrad_states(feature_dim)),
                                         ("minibatch SGD", sgd, None)):
            with warnings.catch_warnings():  # the explorer marks a diverged run itself
                warnings.simplefilter("ignore", RuntimeWarning)
                history = train_scratch(trainer_fn, states, {"lr": lr},
                                        make_loader(X, y, batch_size, seed), feature_dim,
                                        num_epochs=num_epochs, seed=seed)
            losses[name].append([float(v) for v in history.losses])
    return {"lr": np.asarray(learning_rates),
            **{name: np.asarray(values) for name, values in losses.items()}}


def scratch_lr_explorer(lr: float = 0.1, *, num_examples: int = 500, noise: float = 0.7,
                        num_epochs: int = 2, seed: int = 0) -> PageExplorer:
    """Notebook 04: a learning-rate slider (0.001 to 10, log) over the loss curves of Adagrad
    and minibatch SGD trained from scratch on the first ``num_examples`` examples.

    Every position is trained when this runs (:func:`lr_grid`); the still is
    :func:`d2lite.explorers.figures.scratch_lr_figure` at the default rate.
    """

    slider = log_slider("lr", "learning rate", lr, 0.001, 10.0)
    X, y = lr_explorer_data(num_examples, noise, seed)
    floor, initial = least_squares_floor(X, y), initial_linreg_loss(X, y, seed)
    grid = lr_grid(slider.positions, X, y, num_epochs=num_epochs, seed=seed)
    payload = {"rates": grid["lr"].tolist(), "floor": floor, "initial": initial,
               "epochs": [EVAL_EVERY * (k + 1) / len(X) for k in range(grid["Adagrad"].shape[1])],
               "curves": {name: [[v if math.isfinite(v) else None for v in row]
                                 for row in grid[name].tolist()]
                          for name in ("Adagrad", "minibatch SGD")}}
    figure = scratch_lr_figure(lr, X=X, y=y, floor=floor, initial_loss=initial,
                               num_epochs=num_epochs, seed=seed)
    alt = (f"Still of the default setting: the loss (half MSE, log scale) of Adagrad and "
           f"minibatch SGD from scratch at learning rate {lr:g} against the epoch, over "
           f"{num_epochs} epochs, with the best linear fit's loss as a dotted line.")
    return explorer("lr", [slider], figure, data=payload, alt=alt)
