"""The figure of :func:`d2lite.explore`, kept between redraws so that a slider move is cheap.

A whole matplotlib figure (contours, ticks, labels, legends) takes a few hundred milliseconds to
lay out and render on a busy 2-core machine; the paths and rates alone take a few.  So
:class:`RuleFigure` draws everything that does not move once (the contour lines and the path
window of :func:`d2lite.show_trace_2d`, the axes and legends) and keeps that image; each redraw
copies it back and draws only the moving lines and the text line over it (matplotlib's
*blitting*), then encodes the PNG quickly.  The contour lines are moving lines too: the
objective is a quadratic, so its level sets are ellipses drawn from its eigenvectors (no grid),
and turning the problem redraws a few hundred points, not the figure.  The window must change
only when a line leaves it, the lines shrink to less than a quarter of it, or the steps outgrow
the rate panel (:meth:`RuleFigure.misfit`).  Then :meth:`RuleFigure.png` redraws in full, unless
it is told ``refit=False`` (a slider is being dragged): it draws on the old window, lines
clipped at its edge, and :attr:`RuleFigure.stale` says a full redraw is owed.

>>> from d2lite.problems.quadratic import quadratic_2d
>>> figure, path = RuleFigure(), np.array([[-5.0, -2.0], [-4.0, -1.0], [-3.0, -0.5]])
>>> rates = np.full((2, 2), 0.4)
>>> for lr in (0.40, 0.41, 0.42):
...     png = figure.png(quadratic_2d(), {"your rule": path * lr / 0.4}, {"your rule": rates},
...                      2, "bowl", "a title")
>>> png[:4], figure.full_draws, figure.frames
(b'\x89PNG', 1, 2)
>>> _ = figure.png(quadratic_2d(), {"your rule": path * 9}, {"your rule": rates}, 2, "bowl",
...                "a title", refit=False)   # off the window: drawn clipped, refit owed
>>> figure.full_draws, figure.stale
(1, 'path')
"""
from __future__ import annotations

import io
import textwrap
from typing import Mapping

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.ticker import MaxNLocator
from PIL import Image

from ..style import LEARNER_COLOURS, ROLE_COLOURS, colour_of
from ..style import new_figure, plain_log_axes
from ..book.plotting import _shown, show_trace_2d

__all__ = ["RuleFigure"]

_STYLES = {"your rule": ("-", "s"), "Adagrad": ("--", "o")}  # dash and marker, beside colour
_OTHER = [("-.", "^"), (":", "v"), ("-.", "D")]
_SHRINK = 1 / 4  # redraw the window when the lines fill less than this share of it
_LEVELS = 10  # contour levels, as show_trace_2d(levels=10) draws them
_CONTOUR = dict(color=ROLE_COLOURS["contour"], linewidth=0.8)  # show_trace_2d's contour lines


def _styles(names) -> dict[str, tuple[str, str]]:
    others = iter(_OTHER)
    return {n: _STYLES.get(n) or next(others, ("-.", "x")) for n in names}


def _inside(low, high, lo, hi) -> bool:
    """Whether [lo, hi] lies in [low, high] and fills at least ``_SHRINK`` of it."""
    return low <= lo and hi <= high and (hi - lo) >= _SHRINK * (high - low)


def ellipses(f, window, levels: int = _LEVELS, points: int = 90) -> tuple[np.ndarray, np.ndarray]:
    r"""The level sets of the quadratic :math:`f(x) = \tfrac12 x^\top Q x` (``f.Q``, minimum at
    the origin) inside ``window`` ``((x0, x1), (y0, y1))``, as one polyline (NaN between
    ellipses): the levels are matplotlib's contour levels for ``levels`` (round numbers below
    the largest value on the window, reached at a corner), each ellipse
    :math:`x = \sum_i \sqrt{2c/\lambda_i}\, \cos/\sin(\theta)\, v_i`.

    >>> from d2lite.problems.quadratic import quadratic_2d
    >>> xs, ys = ellipses(quadratic_2d(), ((-5, 5), (-2, 2)))
    >>> q = quadratic_2d(); ok = np.isfinite(xs)
    >>> sorted({round(float(v), 6) for v in q(xs[ok], ys[ok])})[:3]
    [1.0, 2.0, 3.0]
    """
    (x0, x1), (y0, y1) = window
    top = max(float(f(a, b)) for a in (x0, x1) for b in (y0, y1))
    lam, vectors = np.linalg.eigh(np.asarray(f.Q, dtype=float))
    steps = [c for c in MaxNLocator(levels + 1).tick_values(0.0, top) if 0 < c < top]
    theta = np.linspace(0, 2 * np.pi, points)
    unit = np.stack([np.cos(theta), np.sin(theta)])  # (2, points)
    xs, ys = [], []
    for c in steps:
        radii = np.sqrt(2 * c / np.maximum(lam, 1e-300))
        xy = vectors @ (radii[:, None] * unit)
        xs += [xy[0], [np.nan]]
        ys += [xy[1], [np.nan]]
    if not xs:
        return np.array([np.nan]), np.array([np.nan])
    return np.concatenate(xs), np.concatenate(ys)


class RuleFigure:
    """Paths on the objective (left) and effective rates (right); :meth:`png` draws a frame.

    ``full_draws`` and ``frames`` count the redraws made in full and by blitting; ``stale`` is
    the reason a full redraw is owed (a frame drawn on a window that no longer fits), or None.
    """

    def __init__(self, figsize: tuple[float, float] = (9.0, 3.6), dpi: int = 72) -> None:
        self.figsize, self.dpi = figsize, dpi
        self.key = None
        self.stale: str | None = None
        self.full_draws = self.frames = 0
        self._contours = (None, None)

    def _full(self, f, paths: Mapping[str, np.ndarray], rates: Mapping[str, np.ndarray],
              steps: int, key, margin: float, room: float, title: str) -> None:
        fig, (ax, ax_rates) = new_figure(1, 2, figsize=self.figsize, margins=dict(
            left=0.07, right=0.98, bottom=0.2, top=0.86, wspace=0.25))
        fig.set_dpi(self.dpi)
        FigureCanvasAgg(fig)
        styles = _styles(paths)
        # a roomy window (a margin of 0.35 of the span on each side, 1.0 after a line left it),
        # so that a line that grows while a slider is dragged leaves it only now and then
        show_trace_2d(f, paths, ax=ax, grid_points=50, levels=10, margin=margin,
                      colors={n: LEARNER_COLOURS.get(n) or colour_of(n) for n in paths})
        for text in list(ax.texts):  # show_trace_2d's divergence note: ours moves, below
            text.remove()
        for artist in list(ax.collections):  # its contours on a grid: ours move, see ellipses()
            artist.remove()
        self.contour_line = ax.plot([], [], "-", animated=True, zorder=0.5, **_CONTOUR)[0]
        self._contours = (None, None)
        self.path_lines = {}
        for line in ax.get_lines():
            if line.get_label() in paths:
                dash, marker = styles[line.get_label()]
                line.set(linestyle=dash, marker=marker, animated=True)
                self.path_lines[line.get_label()] = line
        legend = ax.legend(fontsize="x-small", loc="best")
        self.rate_lines = {}
        for name in rates:
            for i, dash in enumerate(("-", ":")):
                self.rate_lines[name, i] = ax_rates.plot(
                    [], [], dash, color=LEARNER_COLOURS.get(name) or colour_of(name), animated=True,
                    linewidth=1.6 if name == "your rule" else 1.0)[0]
        finite = np.concatenate([r[np.isfinite(r) & (r > 0)] for r in rates.values()] + [[1.0]])
        ax_rates.set_xlim(1, max(steps, 2))
        ax_rates.set_ylim(finite.min() / room, finite.max() * room)  # room to move in
        plain_log_axes(ax_rates)
        ax_rates.set(xlabel="step t", ylabel="effective rate −Δxᵢ/gᵢ")
        ax_rates.plot([], [], "k-", label="x₁")
        ax_rates.plot([], [], "k:", label="x₂")
        ax_rates.legend(fontsize="x-small", loc="lower left", title_fontsize="x-small")
        fig.text(0.01, 0.97, title, va="top", fontsize="medium")  # in the background: drawn once
        # over the title, on a white box: a long message takes two lines (wrapped in png())
        self.alarm = fig.text(0.01, 0.99, "", va="top", fontsize="small", color="crimson",
                              animated=True, bbox=dict(facecolor="white", edgecolor="none", pad=2))
        self.notes = ax.text(0.02, 0.02, "", transform=ax.transAxes, fontsize="x-small",
                             color="crimson", animated=True)
        self.footer = fig.text(0.01, 0.01, "", fontsize="small", color="#a00", animated=True)
        self.fig, self.ax, self.ax_rates, self.key = fig, ax, ax_rates, key
        fig.canvas.draw()
        self.background = fig.canvas.copy_from_bbox(fig.bbox)
        # the legend's pixels, copied back over the moving contour lines (drawing the legend
        # again would cost more than the rest of a frame)
        self.legend_pixels = fig.canvas.copy_from_bbox(legend.get_window_extent().expanded(1.02, 1.05))
        self.full_draws += 1
        self.stale = None

    def misfit(self, f, paths, rates, steps: int) -> str | None:
        """``"path"``, ``"rates"`` or ``"steps"`` when that panel's window no longer holds its
        lines (or the paths fill too little of theirs, or the steps outgrow the rate panel or
        fill less than a quarter of it), else None."""
        (x0, x1), (y0, y1) = self.ax.get_xlim(), self.ax.get_ylim()
        extra = [np.asarray(f.minimum, dtype=float).reshape(1, 2)] if hasattr(f, "minimum") else []
        points = np.concatenate([_shown(p) for p in paths.values()] + extra)
        if not (_inside(x0, x1, points[:, 0].min(), points[:, 0].max())
                and _inside(y0, y1, points[:, 1].min(), points[:, 1].max())):
            return "path"
        low, high = self.ax_rates.get_ylim()
        finite = np.concatenate([r[np.isfinite(r) & (r > 0)] for r in rates.values()])
        if len(finite) and not (low <= finite.min() and finite.max() <= high):
            return "rates"
        last = self.ax_rates.get_xlim()[1]
        return None if max(steps, 2) <= last and (max(steps, 2) - 1) >= _SHRINK * (last - 1) else "steps"

    def png(self, f, paths: Mapping[str, np.ndarray], rates: Mapping[str, np.ndarray],
            steps: int, problem_key, title: str, alarm: str | None = None, notes: str = "",
            footer: str = "", refit: bool = True, fast: bool = False) -> bytes:
        """The frame for these paths ``{name: points}`` and rates ``{name: (steps, 2)}`` on
        ``f``, as PNG bytes; ``problem_key`` names the objective (its contours are redrawn when
        it changes).  The ``title`` line is replaced by ``alarm`` (in red) when that is given.
        With ``refit=False`` a window that no longer fits is kept (see :attr:`stale`); with
        ``fast=True`` the PNG has a palette of 64 colours (a third of the bytes, for frames
        sent while a slider moves: edges of lines may shift by a few levels)."""
        key = (tuple(paths), tuple(rates), title)
        misfit = "new" if key != self.key else self.misfit(f, paths, rates, steps)
        if misfit == "new" or (misfit and refit):
            self._full(f, paths, rates, steps, key, margin=1.0 if misfit == "path" else 0.35,
                       room=1000.0 if misfit == "rates" else 30.0, title=title)
        else:
            self.stale = misfit
            self.frames += 1
        window = (self.ax.get_xlim(), self.ax.get_ylim())
        if self._contours[0] != (problem_key, window):
            self._contours = ((problem_key, window), ellipses(f, window))
        self.contour_line.set_data(*self._contours[1])
        for name, line in self.path_lines.items():
            shown = _shown(paths[name])
            line.set_data(shown[:, 0], shown[:, 1])
        for (name, i), line in self.rate_lines.items():
            r = rates[name][:, i]
            keep = np.isfinite(r) & (r > 0)
            line.set_data(np.arange(1, len(r) + 1)[keep], r[keep])
        self.alarm.set(text=textwrap.fill(alarm or "", 115, max_lines=2, placeholder=" ..."),
                       visible=bool(alarm))
        self.notes.set_text(notes)
        self.footer.set_text(footer)
        canvas = self.fig.canvas
        canvas.restore_region(self.background)
        self.fig.draw_artist(self.contour_line)
        canvas.restore_region(self.legend_pixels)
        for artist in [*self.path_lines.values(), *reversed(self.rate_lines.values()), self.alarm,
                       self.notes, self.footer]:
            self.fig.draw_artist(artist)
        buffer = io.BytesIO()
        image = Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3])
        if fast:
            image = image.quantize(colors=64, method=Image.Quantize.FASTOCTREE)
        image.save(buffer, format="png", compress_level=1)
        return buffer.getvalue()
