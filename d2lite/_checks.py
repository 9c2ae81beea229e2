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


def check_int(name: str, value: Any, *, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {type(value).__name__}: {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


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


def check_choice(name: str, value: Any, choices) -> Any:
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)!r}, got {value!r}")
    return value
