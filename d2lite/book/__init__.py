"""The book's code: what section 12.7 of *Dive into Deep Learning* prints, and its facades.

The 2-D trainers (:mod:`~d2lite.book.trace2d`) and their picture (:mod:`~d2lite.book.plotting`),
the from-scratch optimizer (:mod:`~d2lite.book.scratch`), the data (:mod:`~d2lite.book.data`,
:mod:`~d2lite.book.datasets`), the training loops (:mod:`~d2lite.book.training`), the timer, and
the three tabs' facades (``from d2lite import torch as d2l``, ``mxnet``, ``tensorflow``).  The
book's layer imports the optimizers and the style, never the figures or the explorers.
>>> from d2lite.book import trace2d
>>> x1, x2 = trace2d.train_2d(trace2d.adagrad_2d_rule(0.4), verbose=False)[-1]
>>> f"x1: {x1:f}, x2: {x2:f}"        # the book prints these after 20 epochs
'x1: -2.382563, x2: -0.158591'
"""

from d2lite._lazy import modules_on_first_use

__all__: list[str] = []  # a folder of modules: d2lite.book.<module> imports one on first use
__getattr__ = modules_on_first_use(__name__)
