"""The explorers' Python stills write values at rounding level as a bound, as the page does."""
from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt

from d2lite.explorers import figures

PLOT_JS = Path(figures.__file__).resolve().parent / "web" / "plot.js"


def test_the_bound_is_the_pages():
    page_tiny = float(re.search(r"export const TINY = ([0-9.e+-]+);", PLOT_JS.read_text()).group(1))
    assert figures.TINY == page_tiny


def test_a_long_run_title_shows_a_bound_not_noise():
    fig = figures.algorithm_figure(lr=10.0, steps=180)
    title = fig.axes[0].get_title()
    plt.close(fig)
    assert "|x₁| < 1e-12" in title and "|x₂| < 1e-12" in title
    assert not re.search(r"e-(1[3-9]|[2-9]\d|\d{3})", title), title


def test_a_short_run_title_shows_digits():
    fig = figures.algorithm_figure(lr=0.4, steps=20)
    title = fig.axes[0].get_title()
    plt.close(fig)
    assert "(-2.38, -0.159)" in title.replace("\u2212", "-"), title
