"""The optimizers, each with explicit state (``init`` / ``update``), and the one run loop.

:mod:`~d2lite.optimizers.optim` holds the one NumPy :class:`~d2lite.optimizers.optim.Adagrad`;
:mod:`~d2lite.optimizers.presets` each framework's defaults; :mod:`~d2lite.optimizers.variants`
the variants (all ``Adagrad`` settings) and Adam; :mod:`~d2lite.optimizers.fullmatrix` full-matrix
Adagrad; :mod:`~d2lite.optimizers.torch_variants` the torch versions; and
:func:`d2lite.optimizers.run.run` runs any of them from a start point.  This layer imports
nothing else of d2lite but its argument checks.
>>> import numpy as np
>>> from d2lite.optimizers.optim import Adagrad
>>> from d2lite.optimizers.run import run
>>> run(Adagrad(lr=0.1), lambda w: 2 * w, np.array([1.0]), 3).points.shape
(4, 1)
"""

from d2lite._lazy import modules_on_first_use

__all__: list[str] = []  # a folder of modules: d2lite.optimizers.<module> imports one on first use
__getattr__ = modules_on_first_use(__name__)
