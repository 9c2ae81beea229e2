"""Slider explorers: a few core ipywidgets sliders that redraw one matplotlib figure.

An :class:`Explorer` pairs a ``draw(**values) -> Figure`` function with named sliders.  When a
slider is released (``continuous_update=False``) it calls ``draw`` with every slider's value and
shows the new figure as a PNG in an ``Output`` widget, so an error appears as a visible
traceback, never silently.  Any curve that holds inf or NaN gets a visible note on the figure.

Stored in a notebook, an explorer also carries a PNG of its default state, so a static render
(GitHub, nbconvert) shows a figure instead of a dead widget.

>>> from d2lite.plotting import new_figure
>>> def draw(a):
...     fig, ax = new_figure()
...     ax.plot([0, 1], [0, a])
...     return fig
>>> explorer = Explorer(draw, {"a": float_slider("a", 1.0, 0.0, 2.0, 0.1)})
>>> [setting["a"] for setting in explorer.extreme_settings()]
[0.0, 2.0]
"""
from __future__ import annotations

import base64
from typing import Callable, Mapping

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ._checks import check_callable, check_float
from .plotting import _in_notebook, figure_to_png

__all__ = ["Explorer", "float_slider", "log_slider", "int_slider", "nonfinite_lines"]

_LAYOUT = dict(layout=widgets.Layout(width="420px"), style={"description_width": "140px"})


def float_slider(description: str, value: float, min: float, max: float, step: float,
                 readout_format: str = ".2f") -> widgets.FloatSlider:
    """A bounded float slider that reports only when released."""
    if not min <= value <= max:
        raise ValueError(f"value must lie in [min, max] = [{min}, {max}], got {value}")
    check_float("step", step, strict=True)
    return widgets.FloatSlider(value=value, min=min, max=max, step=step, description=description,
                               continuous_update=False, readout_format=readout_format, **_LAYOUT)


def log_slider(description: str, value: float, min: float, max: float,
               steps_per_decade: int = 10, readout_format: str = ".3g") -> widgets.FloatLogSlider:
    """A slider over ``[min, max]`` on a log10 scale (``min`` and ``max`` are values, not exponents)."""
    check_float("min", min, strict=True)
    if not min <= value <= max:
        raise ValueError(f"value must lie in [min, max] = [{min}, {max}], got {value}")
    return widgets.FloatLogSlider(value=value, base=10, min=float(np.log10(min)),
                                  max=float(np.log10(max)), step=1 / steps_per_decade,
                                  description=description, continuous_update=False,
                                  readout_format=readout_format, **_LAYOUT)


def int_slider(description: str, value: int, min: int, max: int, step: int = 1) -> widgets.IntSlider:
    """A bounded integer slider that reports only when released."""
    if not min <= value <= max:
        raise ValueError(f"value must lie in [min, max] = [{min}, {max}], got {value}")
    return widgets.IntSlider(value=value, min=min, max=max, step=step, description=description,
                             continuous_update=False, **_LAYOUT)


def _ends(slider) -> tuple[float, float]:
    if isinstance(slider, widgets.FloatLogSlider):
        return slider.base ** slider.min, slider.base ** slider.max
    return slider.min, slider.max


def nonfinite_lines(fig: Figure) -> list[Line2D]:
    """The lines of ``fig`` whose data hold inf or NaN."""
    found = []
    for ax in fig.axes:
        for line in ax.get_lines():
            x, y = (np.asarray(v, dtype=float) for v in line.get_data())
            if not (np.isfinite(x).all() and np.isfinite(y).all()):
                found.append(line)
    return found


def _says_nonfinite(fig: Figure) -> bool:
    texts = [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]
    return any(word in text for text in texts for word in ("NaN", "inf", "diverg"))


class Explorer:
    """Sliders plus the figure they control.

    ``draw`` receives one keyword argument per slider name and returns a new
    :class:`matplotlib.figure.Figure`.  Display the explorer (last expression of a cell) to use it.
    """

    def __init__(self, draw: Callable[..., Figure], sliders: Mapping[str, widgets.ValueWidget],
                 dpi: int = 80) -> None:
        self.draw = check_callable("draw", draw)
        if not sliders:
            raise ValueError("sliders must name at least one slider")
        for name, slider in sliders.items():
            if not isinstance(slider, widgets.ValueWidget):
                raise TypeError(f"sliders[{name!r}] must be an ipywidgets slider, "
                                f"got {type(slider).__name__}")
        self.sliders = dict(sliders)
        self.dpi = dpi
        self.output = widgets.Output()
        self.widget = widgets.VBox([*self.sliders.values(), self.output])
        self._default_png = self.png()
        for slider in self.sliders.values():
            slider.observe(self.update, names="value")
        with self.output:
            self._show(self._default_png)

    def values(self) -> dict:
        """The current value of every slider, by name."""
        return {name: slider.value for name, slider in self.sliders.items()}

    def figure(self, **overrides) -> Figure:
        """The figure for the current values, with ``overrides`` replacing some of them.

        A figure whose curves hold inf or NaN and does not say so gets a note.
        """
        fig = self.draw(**{**self.values(), **overrides})
        if not isinstance(fig, Figure):
            raise TypeError(f"draw must return a matplotlib Figure, got {type(fig).__name__}")
        if nonfinite_lines(fig) and not _says_nonfinite(fig):
            fig.text(0.5, 0.5, "some values are inf or NaN (diverged)", ha="center",
                     color="crimson", fontsize="large")
        return fig

    def png(self, **overrides) -> bytes:
        """The figure for the current values (and ``overrides``) as PNG bytes."""
        return figure_to_png(self.figure(**overrides), dpi=self.dpi)

    def extreme_settings(self) -> list[dict]:
        """Each slider at each end of its range, the others at their current values."""
        settings = []
        for name, slider in self.sliders.items():
            for end in _ends(slider):
                settings.append({**self.values(), name: end})
        return settings

    def update(self, change=None) -> None:
        """Redraw for the current slider values (called when a slider is released)."""
        with self.output:  # inside a kernel an exception here shows as a traceback in the output
            self._show(self.png())

    def _show(self, png: bytes) -> None:
        self.last_png = png
        if _in_notebook():
            from IPython.display import Image, clear_output, display

            clear_output(wait=True)
            display(Image(data=png))

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        names = ", ".join(self.sliders)
        bundle["text/plain"] = (f"Explorer with sliders: {names}. The image shows the default "
                                f"setting; run the notebook in Jupyter to move the sliders.")
        bundle["image/png"] = base64.b64encode(self._default_png).decode("ascii")
        return bundle
