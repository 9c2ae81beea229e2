"""The figures of the maths: every ``plot_*(..., ax=None) -> Axes``.

:mod:`~d2lite.figures.plots` draws the effective rates, Gershgorin's discs and loss curves;
:mod:`~d2lite.figures.sparse` the sparse-feature experiments; :mod:`~d2lite.figures.cost` the
cost benchmarks' stored numbers (the charts of notebooks 06, 08 and 11 and of
``benchmarks/RESULTS.md``, each with its text alternative).  Colours and dashes come from the
one style module, :mod:`d2lite.style`.  The explorers' whole figures are
:mod:`d2lite.explorers.figures`.
>>> from d2lite.figures.plots import plot_gershgorin
>>> plot_gershgorin([[2.0, 0.5], [0.5, 1.0]]).get_xlabel()
'real part'
"""

from d2lite._lazy import modules_on_first_use

__all__: list[str] = []  # a folder of modules: d2lite.figures.<module> imports one on first use
__getattr__ = modules_on_first_use(__name__)
