"""An explorer-shaped block of HTML for ``tests/test_html.py`` (the static render), not a browser test.

It has what the renderer must keep of an in-page explorer: a ``<div class="d2lite-explorer">``
holding a still PNG, a one-line caption, a JSON config and an inline module script.  The script
does nothing; the browser test drives the real explorers.  (``tests/test_html.py`` could show a
real explorer instead, ``d2lite.explorers.page.algorithm_explorer().html()``; then this file goes.)

    >>> html = standin_html("standin2d")
    >>> 'class="d2lite-explorer"' in html and 'type="module"' in html
    True
"""
from __future__ import annotations

import base64
import html
import io
import json

KINDS = ("standin1d", "standin2d")


def still_png(kind: str) -> bytes:
    """A small PNG standing for the explorer's default figure."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3.6, 2.4), dpi=60)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [0, 1, 0], label=kind)
    ax.set(xlabel="x", ylabel="y", title=f"{kind} (still)")
    ax.legend()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def standin_html(kind: str) -> str:
    """The explorer-shaped HTML: still, caption, config and a module script."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    png = base64.b64encode(still_png(kind)).decode()
    caption = f"Stand-in explorer {kind}: the still of its default setting."
    return (f'<div class="d2lite-explorer" data-kind="{kind}">'
            f'<img class="d2lite-still" alt="{html.escape(caption)}" src="data:image/png;base64,{png}">'
            f'<p class="d2lite-caption">{html.escape(caption)}</p>'
            f'<script type="application/json" class="d2lite-config">{json.dumps({"kind": kind})}</script>'
            f'<script type="module">/* a stand-in: nothing to mount */</script></div>')
