r"""The five slider explorers, one per chapter, in one place; they run in the page.

=================================  ========  ==============================================
explorer                           notebook  its still image (:mod:`d2lite.explorers.figures`)
=================================  ========  ==============================================
:func:`sparse_explorer`            01        :func:`~d2lite.explorers.figures.sparse_comparison_figure`
:func:`preconditioning_explorer`   02        :func:`~d2lite.explorers.figures.preconditioning_figure`
:func:`algorithm_explorer`         03        :func:`~d2lite.explorers.figures.algorithm_figure`
:func:`scratch_lr_explorer`        04        :func:`~d2lite.explorers.figures.scratch_lr_figure`
:func:`rotation_explorer`          09        :func:`~d2lite.explorers.figures.rotation_figure`
=================================  ========  ==============================================

Each returns a :class:`d2lite.explorers.page.PageExplorer`: displayed in a notebook it is a piece of HTML
that draws the figure and moves its sliders in the browser, with no kernel (the 2-D ones
compute every iteration in JavaScript, checked equal to d2lite's own arithmetic; the training
ones carry every slider position, trained by d2lite when the cell runs: :mod:`d2lite.explorers.page`).
Where scripts do not run, the still image of the default setting shows, drawn by the figure
function named above.

>>> made = rotation_explorer()
>>> made.kind, [slider.name for slider in made.sliders]
('rotation', ['angle'])
"""
from __future__ import annotations

from d2lite.explorers.page import algorithm_explorer, preconditioning_explorer, rotation_explorer
from d2lite.explorers.page import scratch_lr_explorer, sparse_explorer

from d2lite._lazy import modules_on_first_use

__all__ = ["sparse_explorer", "preconditioning_explorer", "algorithm_explorer",
           "scratch_lr_explorer", "rotation_explorer"]

#: The learner's own rule under sliders (``kernel_explorer``, with ``rule_runs`` and ``rule_figure``)
#: and the other modules of the folder import on first use: ``d2lite.explorers.kernel_explorer``.
__getattr__ = modules_on_first_use(__name__)
