"""Argument checks shared by the public functions.

Every check raises ``TypeError`` or ``ValueError`` with a message that names the argument and
says what is accepted, so a learner who passes ``lr=-1`` reads what went wrong, not a NaN later.

>>> check_float("lr", -1)
Traceback (most recent call last):
ValueError: lr must be a finite number >= 0.0, got -1.0
"""
from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any, Callable


def check_callable(name: str, value: Any) -> Callable:
    if not callable(value):
        raise TypeError(f"{name} must be callable (a function), got {type(value).__name__}: {value!r}")
    return value


def check_int(name: str, value: Any, *, minimum: int = 1, maximum: int | None = None,
              why: str = "") -> int:
    """An integer >= minimum (and <= maximum, whose reason ``why`` the message gives)."""
    accepted = f"an integer >= {minimum}" + (f" and <= {maximum}" if maximum is not None else "")
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be {accepted}, got {type(value).__name__}: {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {accepted}{f' ({why})' if why else ''}, got {value}")
    return int(value)


def check_seed(name: str, value: Any) -> int:
    """A seed for NumPy's and torch's generators: an integer from 0 to 2**63 - 1."""
    return check_int(name, value, minimum=0, maximum=2**63 - 1)


def check_point(name: str, value: Any, size: int = 2) -> tuple[float, ...]:
    """A point of ``size`` finite coordinates, e.g. a start ``(x1, x2)``."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        raise TypeError(f"{name} must be a point of {size} finite numbers, got "
                        f"{type(value).__name__}: {value!r}")
    if len(value) != size:
        raise ValueError(f"{name} must be a point of {size} finite numbers, got {len(value)}: {value!r}")
    return tuple(check_float(f"{name}[{i}]", v, minimum=-math.inf) for i, v in enumerate(value))


def check_array(name: str, value: Any, *, ndim: int | None = None,
                shape: tuple[int | None, ...] | None = None, finite: bool = True):
    """``value`` as a float64 NumPy array (NumPy arrays, lists and tensors are converted), of
    ``ndim`` dimensions or the ``shape`` given (None: any length there), every entry finite."""
    import numpy as np
    try:
        array = np.asarray(value.detach().cpu() if hasattr(value, "detach") else value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}: "
                        f"{value!r:.80}") from None
    ndim = len(shape) if shape is not None else ndim
    if (ndim is not None and array.ndim != ndim) or (shape is not None and any(
            want is not None and got != want for want, got in zip(shape, array.shape))):
        wanted = "x".join("n" if w is None else str(w) for w in shape) if shape else f"{ndim}-D"
        raise ValueError(f"{name} must be an array of shape {wanted}, got shape {array.shape}")
    if finite and not np.isfinite(array).all():
        raise ValueError(f"{name} must hold finite numbers only, got an inf or NaN entry")
    return array


def check_float(name: str, value: Any, *, minimum: float = 0.0, strict: bool = False,
                maximum: float | None = None) -> float:
    """A finite real number >= minimum (> minimum when strict), <= maximum when given."""
    bound = f"> {minimum}" if strict else f">= {minimum}"
    accepted = f"a finite number {bound}" + (f" and <= {maximum}" if maximum is not None else "")
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be {accepted}, got {type(value).__name__}: {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < minimum or (strict and value == minimum) or (
            maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {accepted}, got {value}")
    return value


def warn_nonfinite(what: str, step: int, detail: str = "") -> None:
    """Say once, as a RuntimeWarning, that ``what`` became inf or NaN at ``step``."""
    import warnings
    warnings.warn(f"{what} became inf or NaN at step {step}{detail}", RuntimeWarning, stacklevel=3)


def guarded_check(wrong: Callable[[str], Any], seconds: float = 30.0) -> Callable:
    """Decorate an exercise check so that it never raises and gives up on a slow answer.

    Whatever the learner's answer does (raises, returns a tuple or a string, loops), the check
    returns ``wrong(reason)``; after ``seconds`` (POSIX main thread: SIGALRM) it stops waiting.
    """
    import functools
    import signal
    import threading
    import time

    class TooSlow(Exception):
        pass

    def decorate(check: Callable) -> Callable:
        @functools.wraps(check)
        def guarded(*args, **kwargs):
            timed = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
            if timed:
                def stop(signum, frame):
                    raise TooSlow
                before, started = signal.signal(signal.SIGALRM, stop), time.monotonic()
                outer = signal.setitimer(signal.ITIMER_REAL, seconds)
            try:
                return check(*args, **kwargs)
            except TooSlow:
                return wrong(f"checking your answer took over {seconds:g} s, so it was stopped; "
                             "it should take well under a second")
            except Exception as error:   # the learner's code: reported in the verdict, not raised
                return wrong(f"checking your answer raised {type(error).__name__}: {error}")
            finally:
                if timed:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    signal.signal(signal.SIGALRM, before)
                    if outer[0] > 0:     # someone else's alarm (e.g. pytest-timeout) runs on
                        signal.setitimer(signal.ITIMER_REAL,
                                         max(outer[0] - (time.monotonic() - started), 1e-3))
        return guarded
    return decorate


def check_choice(name: str, value: Any, choices) -> Any:
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)!r}, got {value!r}")
    return value
