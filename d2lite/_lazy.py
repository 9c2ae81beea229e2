"""Sub-packages that import their modules on first use (PEP 562).

``d2lite.problems.rates`` works after a bare ``import d2lite``, as it did when the package was flat,
and nothing is imported before it is used (so ``import d2lite`` imports neither torch nor pyplot).

>>> import d2lite
>>> d2lite.problems.rates.__name__
'd2lite.problems.rates'
"""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Callable

__all__ = ["modules_on_first_use"]


def modules_on_first_use(package: str) -> Callable[[str], ModuleType]:
    """The ``__getattr__`` of ``package``: ``package.<name>`` imports the module ``<name>``."""
    def __getattr__(name: str) -> ModuleType:
        try:
            return importlib.import_module(f"{package}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{package}.{name}":
                raise
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
    return __getattr__
