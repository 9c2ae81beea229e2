"""Your own rule under the sliders: :func:`explore` runs a learner's update rule in the kernel.

The in-page explorers (:mod:`d2lite.explorers`) move without a kernel but only show the
collection's own maths.  ``explore(rule)`` takes the learner's function, in the book's form
``rule(x1, x2, s1, s2, lr=0.4, ...)`` or as an update on arrays ``rule(x, s, g, lr=0.4, ...)``
(:mod:`d2lite.explorers.rule_runs`), and returns an ipywidgets widget: a slider for every hyperparameter
the rule names (on a log scale for rates: ``lr``, ``eta``, ``eps``), the start point, the angle
that turns the whole problem and the number of steps; the figure shows the rule's path on the
objective beside Adagrad's (and any worked variant's) at the same rate, and the effective rates.

How it stays live while a slider is dragged.  The sliders send every move
(``continuous_update``), and the page's widget manager (``@jupyter-widgets/base``, in every
JupyterLab with ``jupyterlab_widgets``) keeps at most one update per slider in flight: moves made
while the kernel is busy replace each other and only the newest is sent when it is idle, so stale
requests are dropped, never queued.  In the kernel each update redraws at once (so setting a
slider's ``value`` from Python redraws too).  The figure is one PNG in an ``HTML`` widget.
A redraw costs a few milliseconds because only the moving lines are drawn
(:class:`~d2lite.explorers.rule_figure.RuleFigure`); the whole figure is laid out again only when its
window no longer fits, and never while a slider moves: in a running kernel that waits until the
sliders have been still for ``SETTLE`` seconds (a timer on the kernel's event loop), so a drag
is never held up by it.  Without an event loop (a script) it happens at once.

Errors belong to the learner: an exception, a wrong return or a value that is not finite stops
the path there and one line in the figure says which step and which value; the sliders stay
usable.  A run is stopped after ``time_limit`` seconds.  Without a kernel the figure stays with
a one-line note that moving it needs a running kernel (the note is drawn into the stored image,
which the static site and an untrusted notebook show).

For screen readers (WCAG 2.2 AA).  ipywidgets 8.1 gives a slider's handle (a noUiSlider
``role="slider"``) no accessible name, and its ``aria-valuetext`` is noUiSlider's own number: for
a log slider the exponent, so η shown as 0.398 is read "-0.3999999999999999".  No ipywidgets
trait sets either, so the explorer holds a hidden ``Output`` whose one output is a short script
(``d2lite/explorers/web/slider_names.js``): JupyterLab and Notebook 7 run an Output widget's
``application/javascript`` (its outputs are trusted), and the script names each handle
(``aria-label``: the slider's description, ", log scale" on a log one) and keeps its
``aria-valuetext`` equal to the readout shown.  The figure's ``alt`` is its summary, redrawn
with it; the same summary, with the line saying where a bad rule stopped or a path diverged, is
in a visually hidden status line (``role="status"``, set by the script on the element the
``HTML`` widget keeps), updated once the sliders are still, not at every move of a drag.
Where the script does not run, the widget works as before, its handles unnamed.
"""
from __future__ import annotations

import asyncio
import base64
import html
import itertools
import json
import math
import time
from dataclasses import replace
from importlib.resources import files
from typing import Any, Callable, Mapping

import ipywidgets as widgets
import numpy as np

from .._checks import check_float, check_int
from ..style import colour_of
from ..problems.quadratic import Quadratic2D, quadratic_2d, rotation_matrix
from .rule_runs import RuleRun, hyperparameters, rule_form, run_rule, takes_gradient
from .rule_figure import RuleFigure
from ..book.plotting import _shown
from ..book.trace2d import adagrad_2d_rule
from ..optimizers.run import run as run_optimizer

__all__ = ["explore", "RuleExplorer", "LOG_NAMES", "KERNEL_NOTE", "SETTLE"]

#: Seconds the sliders must be still before a figure whose window no longer fits is redrawn whole.
SETTLE = 0.3
_YIELD = 0.004  # seconds between answering a move from the page and drawing it

#: Hyperparameters drawn on a log slider (rates and the small epsilon).
LOG_NAMES = ("lr", "eta", "eps", "learning_rate", "epsilon")
KERNEL_NOTE = "Moving these sliders needs a running kernel: run the cell (Shift+Enter) first."
_STYLE = {"description_width": "70px"}
# the explorers made in this kernel, counted: each gets a class of its own (d2lite-explore-N) that
# ties the script naming its sliders to them; counted, not random, so a notebook run again stores
# the same classes
_MADE = itertools.count(1)
# The note under the live figure shows only when the kernel is gone: JupyterLab 4 marks that on
# the notebook's toolbar (the execution indicator's data-status, the kernel name "No Kernel"),
# and the widget manager marks a view "disconnected" while the kernel restarts.
_NO_KERNEL = ('.jp-Notebook-ExecutionIndicator[data-status="unknown"]',
              '.jp-Notebook-ExecutionIndicator[data-status="dead"]',
              '.jp-KernelName [aria-label="No Kernel"]')
_CSS = ("<style>.d2lite-kernel-note{display:none;color:#a00;margin:2px 0}"
        + ",".join([".jupyter-widgets-disconnected .d2lite-kernel-note"] +
                   [f".jp-NotebookPanel:has({s}) .d2lite-kernel-note" for s in _NO_KERNEL])
        + "{display:block}"
        # the status line: read by screen readers, not shown (the figure shows the same)
        + ".d2lite-rule-status{position:absolute;width:1px;height:1px;overflow:hidden;"
          "clip-path:inset(50%);white-space:nowrap}</style>")


def _slider(name: str, value: float, bounds: tuple[float, float] | None) -> widgets.ValueWidget:
    """A slider for hyperparameter ``name``: log scale for rates, integer for an int default."""
    log = name.lower() in LOG_NAMES or name.lower().endswith(("_lr", "rate"))
    if bounds is None:
        if log and value > 0:
            bounds = (value / 100, value * 100)
        elif 0 < value < 1:
            bounds = (0.0, 1.0)
        else:
            bounds = (min(0, 2 * value), max(0, 2 * value)) if value else (-1.0, 1.0)
    low, high = (check_float(f"{name}[{i}]", b, minimum=-math.inf) for i, b in enumerate(bounds))
    if not low <= value <= high or low == high:
        raise ValueError(f"{name} must be a range (low, high) holding the rule's default "
                         f"{value}, got {bounds!r}")
    common = dict(description=name, continuous_update=True, style=_STYLE)
    if isinstance(value, int) and float(low).is_integer() and float(high).is_integer():
        return widgets.IntSlider(value=value, min=int(low), max=int(high), **common)
    if log and low > 0:
        return widgets.FloatLogSlider(value=value, base=10, min=math.log10(low),
                                      max=math.log10(high), step=0.02,
                                      readout_format=".2e" if low < 1e-3 else ".3g",
                                      **common)
    return widgets.FloatSlider(value=value, min=low, max=high, step=(high - low) / 200,
                               readout_format=".3g", **common)


def _slider_label(slider: widgets.ValueWidget) -> str:
    """The accessible name of a slider's handle: its description, and the scale of a log one."""
    log = isinstance(slider, widgets.FloatLogSlider)
    return slider.description + (", log scale" if log else "")


def _namer_output(root: str, sliders: Mapping[str, widgets.ValueWidget], status: str) -> dict:
    """The ``display_data`` output that names the sliders (``web/slider_names.js``, then one call
    with ``{root, sliders: {class: label}, status}``); ``application/javascript`` only, so a
    front end that runs no scripts shows nothing for it."""
    source = files("d2lite.explorers.web").joinpath("slider_names.js").read_text(encoding="utf-8")
    config = {"root": root, "status": status,
              "sliders": {f"{root}-{name}": _slider_label(s) for name, s in sliders.items()}}
    code = (f"(function (element) {{\n{source}\nnameSliders(element, {json.dumps(config)});\n}})"
            "(typeof element === 'undefined' ? null : element);\n")
    return {"output_type": "display_data", "data": {"application/javascript": code}, "metadata": {}}


def _turned(objective: Quadratic2D, angle: float, start) -> tuple[Quadratic2D, tuple[float, float]]:
    """The problem turned as a whole by ``angle`` degrees: ``R Q R^T`` and ``R start``."""
    R = rotation_matrix(angle)
    Q = R @ objective.Q @ R.T
    return Quadratic2D(0.5 * (Q + Q.T)), tuple(float(v) for v in R @ np.asarray(start, float))


def _page_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop when the kernel is handling a message from the page (a
    ``comm_msg``: a slider moved in the browser), else None."""
    try:
        loop = asyncio.get_running_loop()
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
        parent = kernel.get_parent("shell") if kernel is not None else {}
        return loop if parent.get("header", {}).get("msg_type") == "comm_msg" else None
    except Exception:  # no loop, no kernel, an ipykernel without get_parent: redraw at once
        return None


class RuleExplorer(widgets.VBox):
    """The widget :func:`explore` returns: ``sliders`` (by name), ``figure`` (an ``HTML``
    widget holding the PNG), ``canvas`` (its :class:`~d2lite.explorers.rule_figure.RuleFigure`), ``run`` (the rule's last :class:`~d2lite.explorers.rule_runs.RuleRun`),
    ``reference`` (``{name: points}`` of Adagrad and the variants) and ``draw_ms`` (the time
    of each redraw, run and figure, in milliseconds); for screen readers ``status`` (an ``HTML``
    widget: :meth:`summary` in words) and ``namer`` (the hidden ``Output`` whose script names the
    sliders' handles, see the module's doc)."""

    _settle_handle = None
    _draw_pending = False

    def __init__(self, rule: Callable, sliders: dict, objective: Quadratic2D, compare: Mapping,
                 time_limit: float, dpi: int) -> None:
        self.rule, self.objective, self.compare = rule, objective, dict(compare)
        self.time_limit, self.dpi = time_limit, dpi
        self.hyper_names = [n for n in sliders if n not in ("x1", "x2", "angle", "steps")]
        self.sliders = sliders
        self.figure = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.draw_ms: list[float] = []
        self.canvas = RuleFigure(dpi=dpi)
        left = widgets.VBox([sliders[n] for n in self.hyper_names])
        right = widgets.VBox([s for n, s in sliders.items() if n not in self.hyper_names])
        # the note's style in a widget of its own, set once: a <style> in every figure would
        # make the browser restyle the whole page at every redraw
        self.style = widgets.HTML(_CSS, layout=widgets.Layout(height="0px", margin="0"))
        # the status line (summary and problem, for screen readers) and the script naming the
        # sliders (module doc); a class of this explorer's own ties the script to its sliders
        root = f"d2lite-explore-{next(_MADE)}"
        self.status = widgets.HTML()
        self.status.add_class("d2lite-rule-status")
        self.namer = widgets.Output(layout=widgets.Layout(display="none"))
        self.namer.outputs = (_namer_output(root, sliders, "d2lite-rule-status"),)
        super().__init__([widgets.HBox([left, right]), self.figure, self.status, self.style,
                          self.namer])
        self.add_class(root)
        for name, slider in sliders.items():
            slider.add_class(f"{root}-{name}")
            slider.observe(self._moved, names="value")
        self.redraw()

    def values(self) -> dict[str, float]:
        """Every slider's value, by name."""
        return {name: slider.value for name, slider in self.sliders.items()}

    def problem(self) -> tuple[Quadratic2D, tuple[float, float]]:
        """The objective and start point at the sliders' angle."""
        v = self.values()
        return _turned(self.objective, v.get("angle", 0.0), (v["x1"], v["x2"]))

    def compute(self) -> tuple[RuleRun, dict[str, tuple[np.ndarray, np.ndarray]]]:
        """Run the rule and the references (Adagrad, then each variant) at the current values."""
        v = self.values()
        q, start = self.problem()
        hyper = {n: v[n] for n in self.hyper_names}
        run = run_rule(self.rule, q.grad, v["steps"], start, self.time_limit, **hyper)
        lr = float(hyper.get("lr", hyper.get("eta", 0.4)))
        eps = float(hyper.get("eps", 1e-6))
        # Adagrad is the book's trainer (d2lite.adagrad_2d_rule: the steps of the one NumPy Adagrad,
        # point by point, a test checks), run like the learner's rule: its rates are measured
        # the same way, and 100 steps cost a fraction of a millisecond.
        adagrad = run_rule(adagrad_2d_rule(lr, eps), q.grad, v["steps"], start, self.time_limit)
        references = {"Adagrad": (adagrad.points, adagrad.rates)}
        for name, optimizer in self.compare.items():
            made = run_optimizer(replace(optimizer, lr=lr), lambda x: q.grad(*x), start, v["steps"])
            references[name] = (made.points, made.rates)
        return run, references

    def frame(self, run: RuleRun, references: dict, footer: str = "", refit: bool = True,
              fast: bool = False) -> bytes:
        """The PNG of the figure: paths on the objective (left), effective rates (right)."""
        v = self.values()
        q, _ = self.problem()
        paths = {"your rule": run.points, **{n: p for n, (p, _) in references.items()}}
        rates = {"your rule": run.rates, **{n: r for n, (_, r) in references.items()}}
        name = getattr(self.rule, "__name__", "rule")
        title = f"{name}: your rule beside Adagrad at the same rate"
        alarm = None if run.problem is None else f"{name} stopped at {run.problem}"
        gone = [f"{n} diverged at step {len(_shown(p))}" for n, p in paths.items()
                if len(_shown(p)) < len(p)]
        return self.canvas.png(q, paths, rates, v["steps"], v.get("angle", 0.0), title, alarm=alarm,
                               notes="; ".join(gone), footer=footer, refit=refit,
                               fast=fast)

    def summary(self, run: RuleRun, references: dict) -> str:
        """What the run gave, in words: where each path starts and ends, where a bad rule
        stopped, which path diverged (the status line, and the start of the figure's ``alt``).

        >>> def descent(x1, x2, s1, s2, lr=0.1):
        ...     return x1 - lr * 0.2 * x1, x2 - lr * 4 * x2, s1, s2
        >>> explorer = explore(descent, steps=5)
        >>> explorer.summary(*explorer.compute())
        "Your rule's path, 5 steps from (-5, -2), ends at (-4.52, -0.156); Adagrad ends at (-4.68, -1.69)."
        >>> explorer.sliders["lr"].value = 1.0   # x2 is multiplied by 1 - 4 = -3 at each step
        >>> explorer.sliders["steps"].value = 40
        >>> explorer.summary(*explorer.compute()).split(". ")[-1]  # leaves the chart at step 17
        'Your rule diverged at step 17.'
        """
        (x1, x2), k = run.points[-1], len(run.points) - 1
        ends = "; ".join(f"{n} ends at ({p[-1][0]:.3g}, {p[-1][1]:.3g})" for n, (p, _) in references.items())
        what = f"Your rule's path, {k} steps from ({run.points[0][0]:.3g}, {run.points[0][1]:.3g}), ends at ({x1:.3g}, {x2:.3g}); {ends}."
        paths = {"Your rule": run.points, **{n: p for n, (p, _) in references.items()}}
        gone = "".join(f" {n} diverged at step {len(_shown(p))}." for n, p in paths.items()
                       if len(_shown(p)) < len(p))
        return what + (f" {run.problem}." if run.problem else "") + gone

    def describe(self, run: RuleRun, references: dict) -> str:
        """The alt text: what the figure shows, with the end points."""
        return (self.summary(run, references) +
                " Left: the paths on the objective's contour lines; right: each coordinate's effective rate against the step, log axes.")

    def redraw(self, change: Any = None, refit: bool | None = None, fast: bool = False) -> None:
        """Run the rule at the sliders' values and show the new figure (every slider calls it).

        ``refit`` (default: only when no event loop runs) lets the figure be laid out again when
        its window no longer fits; otherwise that waits for :meth:`settle`, scheduled ``SETTLE``
        seconds after the last move, as it is after a ``fast`` frame (a PNG of 64 colours, sent
        while a slider is dragged in the page)."""
        began = time.perf_counter()
        if self._settle_handle is not None:
            self._settle_handle.cancel()
            self._settle_handle = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        run, references = self.compute()
        self.run, self.reference = run, {n: p for n, (p, _) in references.items()}
        self.png = self.frame(run, references, refit=loop is None if refit is None else refit,
                              fast=fast)
        if (self.canvas.stale or fast) and loop is not None:
            self._settle_handle = loop.call_later(SETTLE, self.settle)
        ms = 1000 * (time.perf_counter() - began)
        data = html.escape(json.dumps({"values": self.values(), "path": run.points.tolist(),
                                       "problem": run.problem, "kernel_ms": ms,
                                       "settled": self.canvas.stale is None and not fast}), quote=True)
        self.figure.value = (
            f'<figure class="d2lite-rule-explorer" style="margin:0" data-state="{data}">'
            f'<img src="data:image/png;base64,{base64.b64encode(self.png).decode()}" '
            f'alt="{html.escape(self.describe(run, references), quote=True)}" style="max-width:100%">'
            f'<p class="d2lite-kernel-note" role="note">{KERNEL_NOTE}</p></figure>')
        if not fast:  # a drag's frames are not read out one by one: the still one is
            self.status.value = f"<p>{html.escape(self.summary(run, references))}</p>"
        self.draw_ms.append(1000 * (time.perf_counter() - began))

    def _moved(self, change: Any = None) -> None:
        """A slider moved.  Moved by the page (a comm message), the redraw runs on the kernel's
        loop just after the message is answered: the kernel says it is idle at once, so the page
        sends the next move while this one is drawn, and moves that come meanwhile share one
        redraw, drawn for the newest values.  Moved from Python, it redraws at once."""
        loop = _page_loop()
        if loop is None:
            self.redraw()
        elif not self._draw_pending:
            self._draw_pending = True
            # a few ms with the GIL free first: the kernel's I/O thread sends the idle status
            # (so the page sends its next move) before the drawing holds the interpreter
            loop.call_later(_YIELD, self._deferred)

    def _deferred(self) -> None:
        self._draw_pending = False
        self.redraw(fast=True)

    def settle(self) -> None:
        """The figure once the sliders are still: laid out again if its window no longer fits,
        at full colour."""
        self._settle_handle = None
        self.redraw(refit=True)

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        run, references = self.compute()
        png = self.frame(run, references, footer=KERNEL_NOTE)
        bundle["image/png"] = base64.b64encode(png).decode("ascii")
        # the still with its text alternative, as d2lite.alttext shows figures: nbconvert (the
        # static site) prefers text/html to image/png, and so does JupyterLab without the
        # widget's model (a stored notebook)
        bundle["text/html"] = (f'<img src="data:image/png;base64,{bundle["image/png"]}" '
                               f'alt="{html.escape(self.describe(run, references), quote=True)}" '
                               f'style="max-width:100%">')
        name = getattr(self.rule, "__name__", "rule")
        bundle["text/plain"] = (f"Explorer of {name} with sliders: {', '.join(self.sliders)}. "
                                f"The image shows its last figure; moving the sliders needs a "
                                f"running kernel.")
        return bundle


def explore(rule: Callable, *, objective: Quadratic2D | None = None,
            compare: Mapping[str, Any] | None = None, start: tuple[float, float] = (-5.0, -2.0),
            angle: float = 0.0, steps: int = 20, max_steps: int = 200, time_limit: float = 0.5,
            dpi: int = 72, **ranges: tuple[float, float]) -> RuleExplorer:
    """Sliders over the learner's ``rule`` (see the module's doc); returns the widget.

    ``ranges`` gives a slider's range by the hyperparameter's name, e.g. ``lr=(0.01, 10)``;
    a hyperparameter without one gets a range around its default.  ``objective`` is any
    :class:`~d2lite.problems.quadratic.Quadratic2D` (default the chapter's bowl
    :math:`0.1 x_1^2 + 2 x_2^2`), turned with its start point by the ``angle`` slider (degrees).
    ``compare`` maps a worked variant's name (its colour's, :mod:`d2lite.style`) to an
    optimizer of :mod:`d2lite.optimizers.variants`, run beside Adagrad at the rule's ``lr``.
    A book-form rule with no ``f_grad`` parameter computes its own gradient: it is shown on the
    bowl only, with no angle slider.

    >>> def adagrad_2d(x1, x2, s1, s2, lr=0.4, eps=1e-6):
    ...     g1, g2 = 0.2 * x1, 4 * x2
    ...     s1 += g1 ** 2
    ...     s2 += g2 ** 2
    ...     return x1 - lr / (s1 + eps) ** 0.5 * g1, x2 - lr / (s2 + eps) ** 0.5 * g2, s1, s2
    >>> explorer = explore(adagrad_2d, lr=(0.01, 10))
    >>> list(explorer.sliders), explorer.run.points[-1].round(4)
    (['lr', 'eps', 'x1', 'x2', 'steps'], array([-2.3826, -0.1586]))
    >>> explorer.sliders["lr"].value = 2.0   # redraws at once
    >>> bool(abs(explorer.run.points[-1]).max() < 0.1)
    True
    """
    rule_form(rule)
    names = hyperparameters(rule)
    unknown = set(ranges) - set(names)
    if unknown:
        raise TypeError(f"{sorted(unknown)} name no hyperparameter of the rule; its "
                        f"hyperparameters (keyword arguments with a number as default) are {sorted(names)}")
    if objective is not None and not isinstance(objective, Quadratic2D):
        raise TypeError(f"objective must be a d2lite.problems.quadratic.Quadratic2D or None, got {type(objective).__name__}")
    angle = check_float("angle", angle, minimum=-90.0, maximum=90.0)
    if not takes_gradient(rule) and (objective is not None or angle):
        raise ValueError("the rule has no f_grad parameter, so it computes its own gradient and "
                         "can only be shown on the chapter's bowl: add f_grad to its parameters "
                         "(g1, g2 = f_grad(x1, x2)) to use objective or angle")
    max_steps = check_int("max_steps", max_steps)
    steps = check_int("steps", steps)
    if steps > max_steps:
        raise ValueError(f"steps must be at most max_steps = {max_steps}, got {steps}")
    x1, x2 = (check_float(f"start[{i}]", v, minimum=-math.inf) for i, v in enumerate(start))
    sliders = {n: _slider(n, v, ranges.get(n)) for n, v in names.items()}
    reach = max(8.0, 1.5 * max(abs(x1), abs(x2)))
    for name, value in (("x1", x1), ("x2", x2)):
        sliders[name] = widgets.FloatSlider(value=value, min=-reach, max=reach, step=0.05,
                                            description=f"start {name}", style=_STYLE)
    if takes_gradient(rule):
        sliders["angle"] = widgets.FloatSlider(value=angle, min=-90, max=90, step=1,
                                               description="angle °", style=_STYLE)
    sliders["steps"] = widgets.IntSlider(value=steps, min=1, max=max_steps,
                                         description="steps", style=_STYLE)
    for name, optimizer in (compare or {}).items():
        colour_of(name)  # a name the collection has a colour for, or a clear error
        if not hasattr(optimizer, "lr"):
            raise TypeError(f"compare[{name!r}] must be an optimizer of d2lite.optimizers.variants, got {optimizer!r}")
    return RuleExplorer(rule, sliders, objective or quadratic_2d(), compare or {},
                        check_float("time_limit", time_limit, strict=True), dpi)
