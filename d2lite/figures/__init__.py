"""The figures of the maths: every ``plot_*(..., ax=None) -> Axes``.

:mod:`~d2lite.figures.plots` draws the effective rates, Gershgorin's discs and loss curves;
:mod:`~d2lite.figures.sparse` the sparse-feature experiments.  Colours and dashes come from the
one style module, :mod:`d2lite.style`.  The explorers' whole figures are
:mod:`d2lite.explorers.figures`.
>>> from d2lite.figures.plots import plot_gershgorin
>>> plot_gershgorin([[2.0, 0.5], [0.5, 1.0]]).get_xlabel()
'real part'
"""

import importlib

__all__: list[str] = []  # a folder of modules, each imported on first use (below)


def __getattr__(name: str):
    """Import a module of this folder on first use, so ``d2lite.figures.<module>`` needs no import."""
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
