"""The optimizers, each with explicit state (``init`` / ``update``), and the one run loop.

:mod:`~d2lite.optimizers.optim` holds the one NumPy :class:`~d2lite.optimizers.optim.Adagrad`;
:mod:`~d2lite.optimizers.presets` each framework's defaults; :mod:`~d2lite.optimizers.variants`
the variants (all ``Adagrad`` settings) and Adam; :mod:`~d2lite.optimizers.fullmatrix` full-matrix
Adagrad; :mod:`~d2lite.optimizers.torch_variants` the torch versions; and
:func:`d2lite.optimizers.run.run` runs any of them from a start point.  This layer imports
nothing else of d2lite but its argument checks.
"""
