r"""Run a learner's own update rule on a 2-D problem, and say in one line what went wrong.

A rule comes in one of two forms (:func:`rule_form` tells which):

* the book's form, a 2-D step ``rule(x1, x2, s1, s2, **hyper) -> (x1, x2, s1, s2)``, which
  computes its own gradient as the book's ``adagrad_2d`` does, or takes it from an ``f_grad``
  parameter (``f_grad(x1, x2) -> (g1, g2)``, as :func:`d2lite.train_2d` passes it);
* an update on arrays, ``rule(x, s, g, **hyper) -> (x, s)``: the point ``x``, the state ``s``
  (it starts as ``zeros(2)``; the rule may return any state, which it gets back next step) and
  the gradient ``g``, NumPy arrays of shape ``(2,)``.

Every keyword argument with a number as its default is a hyperparameter
(:func:`hyperparameters`).  :func:`run_rule` runs the rule from a start point and never raises
for the rule's own faults: an exception, a wrong return, a value that is not finite or a rule
that runs past ``time_limit`` seconds ends the run, and :attr:`RuleRun.problem` says which step
and which value in one line.  The effective rate of a rule is measured from its steps,
:math:`-\Delta x_i / g_i` (for Adagrad exactly :math:`\eta/\sqrt{s_i + \epsilon}`).

>>> def adagrad_2d(x1, x2, s1, s2, lr=0.4, eps=1e-6):
...     g1, g2 = 0.2 * x1, 4 * x2
...     s1 += g1 ** 2
...     s2 += g2 ** 2
...     return x1 - lr / (s1 + eps) ** 0.5 * g1, x2 - lr / (s2 + eps) ** 0.5 * g2, s1, s2
>>> hyperparameters(adagrad_2d)
{'lr': 0.4, 'eps': 1e-06}
>>> run = run_rule(adagrad_2d, lambda x1, x2: (0.2 * x1, 4 * x2), steps=20)
>>> run.points[-1].round(4), run.problem
(array([-2.3826, -0.1586]), None)
>>> run_rule(lambda x1, x2, s1, s2: (x1, x2), None, steps=3).problem
'step 1: the rule returned 2 values; the book form returns 4: (x1, x2, s1, s2)'
"""
from __future__ import annotations

import inspect
import math
import signal
import threading
import time
import traceback
from dataclasses import dataclass
from numbers import Real
from typing import Any, Callable

import numpy as np

from .._checks import check_callable, check_float, check_int

__all__ = ["RuleRun", "rule_form", "takes_gradient", "hyperparameters", "run_rule"]

FORMS = ("book", "arrays")


class RuleTimeout(Exception):
    """Raised inside a rule that ran past its time limit (caught by :func:`run_rule`)."""


@dataclass(frozen=True)
class RuleRun:
    """A rule's run: ``points`` ``(k + 1, 2)`` (start included; ``k`` steps were taken),
    ``rates`` ``(k, 2)`` (:math:`-\\Delta x_i / g_i`, NaN where ``g_i`` is 0) and ``problem``,
    one line saying why the run stopped early, or None when every step was taken."""

    points: np.ndarray
    rates: np.ndarray
    problem: str | None


def _positional(rule: Callable) -> list[str]:
    try:
        parameters = inspect.signature(rule).parameters.values()
    except (TypeError, ValueError) as error:
        raise TypeError(f"rule must be a Python function whose signature can be read, got "
                        f"{rule!r}") from error
    return [p.name for p in parameters if p.default is p.empty
            and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def rule_form(rule: Callable) -> str:
    """``"book"`` for ``rule(x1, x2, s1, s2, ...)``, ``"arrays"`` for ``rule(x, s, g, ...)``,
    told apart by the number of parameters without a default (4 or 3; ``f_grad`` not counted).

    >>> rule_form(lambda x, s, g, lr=0.1: (x - lr * g, s))
    'arrays'
    """
    check_callable("rule", rule)
    names = [n for n in _positional(rule) if n != "f_grad"]
    if len(names) == 4:
        return "book"
    if len(names) == 3:
        return "arrays"
    raise TypeError(f"rule must take (x1, x2, s1, s2) (the book's 2-D step) or (x, s, g) (an "
                    f"update on arrays) before its hyperparameters, which need defaults; "
                    f"{getattr(rule, '__name__', 'it')} takes {names}")


def takes_gradient(rule: Callable) -> bool:
    """Whether a book-form ``rule`` has an ``f_grad`` parameter (then it is given the
    objective's gradient; otherwise it computes its own).  An array-form rule always gets ``g``."""
    return rule_form(rule) == "arrays" or "f_grad" in inspect.signature(rule).parameters


def hyperparameters(rule: Callable) -> dict[str, float]:
    """The rule's keyword arguments whose default is a number (bool excluded), in order."""
    rule_form(rule)
    return {p.name: p.default for p in inspect.signature(rule).parameters.values()
            if p.name != "f_grad" and isinstance(p.default, Real) and not isinstance(p.default, bool)}


def _where(error: BaseException, rule: Callable) -> str:
    """`` (line N of the rule: source)`` for the deepest frame of ``error`` inside ``rule``."""
    code = getattr(rule, "__code__", None)
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if code is not None and f.filename == code.co_filename]
    if not frames:
        return ""
    frame = frames[-1]
    line = frame.lineno - code.co_firstlineno + 1
    return f" (line {line} of the rule: {frame.line.strip()})" if frame.line else ""


def _number(name: str, value: Any, step: int) -> tuple[float | None, str | None]:
    """``value`` as a float, or a one-line problem (not a number, not finite)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None, f"step {step}: {name} = {_short(value)} is not a number"
    if not math.isfinite(number):
        return None, f"step {step}: {name} = {number} (not finite); the path is drawn up to step {step - 1}"
    return number, None


def _short(value: Any) -> str:
    text = repr(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "..."


class _Alarm:
    """A SIGALRM after ``seconds`` raises :class:`RuleTimeout` in the running rule (main thread
    of a POSIX process only; elsewhere the limit is checked between steps only)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = (hasattr(signal, "setitimer")
                      and threading.current_thread() is threading.main_thread())

    def _ring(self, signum, frame):
        raise RuleTimeout

    def __enter__(self):
        if self.armed:
            self.previous = signal.signal(signal.SIGALRM, self._ring)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc):
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        return False


def _step(rule: Callable, form: str, x: np.ndarray, s: Any, g: np.ndarray, f_grad, hyper: dict,
          step: int) -> tuple[np.ndarray | None, Any, str | None]:
    """One call of the rule: ``(new_x, new_state, problem)``."""
    if form == "book":
        extra = {"f_grad": f_grad} if f_grad is not None else {}
        out = rule(float(x[0]), float(x[1]), float(s[0]), float(s[1]), **extra, **hyper)
        if not isinstance(out, (tuple, list)) or len(out) != 4:
            got = f"{len(out)} values" if isinstance(out, (tuple, list)) else f"{_short(out)}, not a tuple"
            return None, None, f"step {step}: the rule returned {got}; the book form returns 4: (x1, x2, s1, s2)"
        values = []
        for name, value in zip(("x1", "x2", "s1", "s2"), out):
            number, problem = _number(name, value, step)
            if problem:
                return None, None, problem
            values.append(number)
        return np.array(values[:2]), np.array(values[2:]), None
    out = rule(x.copy(), s, g.copy(), **hyper)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        got = f"{len(out)} values" if isinstance(out, (tuple, list)) else f"{_short(out)}, not a tuple"
        return None, None, f"step {step}: the rule returned {got}; an update on arrays returns 2: (x, s)"
    try:
        new_x = np.asarray(out[0], dtype=float)
    except (TypeError, ValueError):
        return None, None, f"step {step}: x = {_short(out[0])} is not an array of numbers"
    if new_x.shape != (2,):
        return None, None, f"step {step}: x has shape {new_x.shape}; it must have shape (2,)"
    for i, value in enumerate(new_x):
        _, problem = _number(f"x[{i}]", value, step)
        if problem:
            return None, None, problem
    return new_x, out[1], None


def run_rule(rule: Callable, f_grad: Callable | None, steps: int = 20,
             start: tuple[float, float] = (-5.0, -2.0), time_limit: float = 1.0,
             **hyper: float) -> RuleRun:
    """Run ``rule`` for ``steps`` steps from ``start`` with hyperparameters ``hyper``.

    ``f_grad(x1, x2) -> (g1, g2)`` is the objective's gradient: given to a rule that takes it
    (:func:`takes_gradient`) and used to measure the effective rates; None means the book's
    bowl :math:`0.1 x_1^2 + 2 x_2^2`.  The whole run may take ``time_limit`` seconds.
    """
    form = rule_form(rule)
    steps = check_int("steps", steps, minimum=0)
    time_limit = check_float("time_limit", time_limit, strict=True)
    grad = f_grad if f_grad is not None else (lambda x1, x2: (0.2 * x1, 4 * x2))
    given = grad if form == "book" and takes_gradient(rule) else None
    x = np.asarray(start, dtype=float)
    if x.shape != (2,) or not np.isfinite(x).all():
        raise ValueError(f"start must be a finite point (x1, x2), got {start!r}")
    points, rates, problem = [x], [], None
    too_long = f"the rule ran longer than {time_limit:g} s and was stopped"
    began, state = time.perf_counter(), np.zeros(2)
    try:
        with _Alarm(time_limit), np.errstate(all="ignore"):
            for step in range(1, steps + 1):
                try:
                    g = np.asarray(grad(x[0], x[1]), dtype=float)
                    new_x, state, problem = _step(rule, form, x, state, g, given, hyper, step)
                except RuleTimeout:
                    problem = f"step {step}: {too_long}"
                except Exception as error:  # the learner's bug, reported in one line
                    message = str(error).splitlines()[0] if str(error) else ""
                    problem = (f"step {step}: the rule raised {type(error).__name__}"
                               f"{': ' + message if message else ''}{_where(error, rule)}")
                if problem is None and time.perf_counter() - began > time_limit:
                    problem = f"step {step}: {too_long}"
                if problem is not None:
                    break
                rates.append(np.divide(x - new_x, g, out=np.full(2, np.nan), where=g != 0))
                x = new_x
                points.append(x)
    except RuleTimeout:  # the alarm rang between the last step and its disarming: all steps ran
        pass
    return RuleRun(np.asarray(points), np.asarray(rates).reshape(-1, 2), problem)
