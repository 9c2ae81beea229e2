"""Figures with a text alternative, read the same way by JupyterLab and by nbconvert.

Neither JupyterLab's image renderer nor nbconvert's HTML template reads an alt text from an
``image/png`` output's metadata (``IPython.display.Image(metadata=...)`` reaches neither: Lab's
``renderImage`` sets only the source and size, and nbconvert's ``data_png`` block only width,
height and background, then writes "No description has been provided for this image").  Both
do show a ``text/html`` output as written, and both prefer it to ``image/png``; so a figure with
alt text is displayed as a bundle whose ``text/html`` is ``<img src="data:image/png;base64,..."
alt="...">``, beside the plain ``image/png`` (for tools that want the picture) and the alt text
as ``text/plain``.  The sanitizer of an untrusted notebook keeps such an image and its alt.

>>> import matplotlib; from matplotlib.figure import Figure
>>> fig = Figure(figsize=(2, 1)); _ = fig.subplots().plot([0, 1], [1, 0])
>>> bundle = FigureWithAlt.of(fig, "a line falling from 1 to 0")._repr_mimebundle_()
>>> 'alt="a line falling from 1 to 0"' in bundle["text/html"], bundle["text/plain"]
(True, 'a line falling from 1 to 0')
>>> images_missing_alt('<p><img src="x.png"><img src="y.png" alt="a bowl"></p>')
['x.png']
"""
from __future__ import annotations

import base64
import html
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING
from html.parser import HTMLParser

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .style import figure_to_png

if TYPE_CHECKING:  # pragma: no cover
    import nbformat

__all__ = ["FigureWithAlt", "show_figure", "describe_axes", "describe_figure", "images_missing_alt", "notebook_images_missing_alt",
           "PLACEHOLDER"]

#: What nbconvert writes into an ``<img>`` that has no alt text (not a description).
PLACEHOLDER = "No description has been provided for this image"


def _check_alt(alt: object) -> str:
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt must be a sentence saying what the figure shows, got {alt!r}")
    return alt.strip()


@dataclass(frozen=True)
class FigureWithAlt:
    """A PNG and its text alternative, displayed as ``<img alt>`` in JupyterLab and on the site."""

    png: bytes
    alt: str

    def __post_init__(self) -> None:
        _check_alt(self.alt)

    @classmethod
    def of(cls, fig: Figure, alt: str, dpi: int = 100) -> "FigureWithAlt":
        """The figure ``fig`` rendered at ``dpi``, with ``alt``."""
        return cls(figure_to_png(fig, dpi=dpi), _check_alt(alt))

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        png = base64.b64encode(self.png).decode("ascii")
        return {"text/html": f'<img src="data:image/png;base64,{png}" '
                             f'alt="{html.escape(self.alt)}" style="max-width:100%">',
                "image/png": png, "text/plain": self.alt}


def show_figure(fig: Figure, alt: str, dpi: int = 100) -> FigureWithAlt:
    """Show ``fig`` with the text alternative ``alt`` (use it instead of ``plt.show()``).

    In IPython the figure is displayed at once and closed in pyplot (so the inline backend does
    not show it a second time, without alt text); the displayed object is returned.
    """
    shown = FigureWithAlt.of(fig, alt, dpi=dpi)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
        return shown
    if get_ipython() is not None:
        display(shown)
        import matplotlib.pyplot as plt
        plt.close(fig)
    return shown


def _number(value: float) -> str:
    return f"{value:.3g}" if math.isfinite(value) else ("inf" if value > 0 else
                                                         "-inf" if value < 0 else "NaN")


def describe_axes(ax: Axes) -> str:
    """An automatic text alternative for one axes: what is plotted against what (and which
    axes are logarithmic), then each labelled line with its first and last points.

    A line without a legend entry is called by its place ("line 2"); the title, when there is
    one, comes first.

    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> _ = ax.plot([1, 2, 3], [0.9, 0.5, 0.25], label="train loss")
    >>> _ = ax.set(xlabel="epoch", ylabel="loss", yscale="log")
    >>> describe_axes(ax)
    'loss (log scale) against epoch. train loss: from 0.9 at 1 to 0.25 at 3.'
    """
    def axis(label: str, scale: str) -> str:
        return (label or "an unlabelled axis") + (" (log scale)" if scale == "log" else "")

    parts = [f"{ax.get_title()}." if ax.get_title() else "",
             f"{axis(ax.get_ylabel(), ax.get_yscale())} against "
             f"{axis(ax.get_xlabel(), ax.get_xscale())}."]
    drawn = 0
    for k, line in enumerate(ax.get_lines()):
        x, y = (np.asarray(v, dtype=float).ravel() for v in line.get_data())
        name = line.get_label()
        if not name or name.startswith("_"):
            name = f"line {k + 1} (no legend entry)"
        if len(x) == 0:
            continue
        drawn += 1
        if len(x) == 1:
            parts.append(f"{name}: {_number(y[0])} at {_number(x[0])}.")
        else:
            parts.append(f"{name}: from {_number(y[0])} at {_number(x[0])} to "
                         f"{_number(y[-1])} at {_number(x[-1])}.")
    if not drawn:
        parts.append("No line drawn yet.")
    return " ".join(p for p in parts if p)


def describe_figure(fig: Figure) -> str:
    """:func:`describe_axes` for every axes of ``fig`` that is not a colour bar, panel by panel."""
    axes = [ax for ax in fig.axes if not hasattr(ax, "_colorbar")]
    if len(axes) == 1:
        return describe_axes(axes[0])
    return " ".join(f"Panel {i + 1}: {describe_axes(ax)}" for i, ax in enumerate(axes))


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.missing: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            found = dict(attrs)
            alt = (found.get("alt") or "").strip()
            if not alt or alt == PLACEHOLDER:
                self.missing.append((found.get("src") or "")[:40])


def images_missing_alt(page: str) -> list[str]:
    """The sources (their first 40 characters) of the images in the HTML ``page`` that have no
    real alt text (none, empty, or nbconvert's placeholder)."""
    parser = _Images()
    parser.feed(page)
    return parser.missing


def notebook_images_missing_alt(nb: "nbformat.NotebookNode") -> list[tuple[str, int]]:
    """``(cell id, output index)`` of every stored figure in the notebook ``nb`` (an nbformat
    node) shown without a text alternative: an ``image/png`` or ``image/jpeg`` output with no
    ``text/html`` ``<img>`` that has one, or a ``text/html`` output whose images lack one."""
    missing = []
    for cell in nb.cells:
        for k, output in enumerate(cell.get("outputs", [])):
            data = output.get("data", {})
            page = data.get("text/html", "")
            page = "".join(page) if isinstance(page, list) else page
            has_image = "image/png" in data or "image/jpeg" in data
            if (page and images_missing_alt(page)) or (has_image and "<img" not in page):
                missing.append((cell.get("id", "?"), k))
    return missing
