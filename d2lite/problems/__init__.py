"""The maths by subject: the problems the optimizers are run on, and what is measured there.

Quadratics and rotations (:mod:`~d2lite.problems.quadratic`), preconditioning
(:mod:`~d2lite.problems.preconditioning`), Gershgorin's discs (:mod:`~d2lite.problems.gershgorin`),
the effective rates of a 2-D run (:mod:`~d2lite.problems.rates`), Zipf sparse features
(:mod:`~d2lite.problems.sparse`), embedding tables (:mod:`~d2lite.problems.embeddings`) and image
classification (:mod:`~d2lite.problems.vision`, :mod:`~d2lite.problems.classifier`).  No plots
here: their figures are :mod:`d2lite.figures`.
>>> from d2lite.problems.quadratic import quadratic_2d
>>> quadratic_2d((0.2, 4.0)).condition_number
20.0
"""

from d2lite._lazy import modules_on_first_use

__all__: list[str] = []  # a folder of modules: d2lite.problems.<module> imports one on first use
__getattr__ = modules_on_first_use(__name__)
