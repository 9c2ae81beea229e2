"""What the static site trusts: the stored collection's notebooks may carry scripts, others not.

The project's own notebooks (``notebooks/``) store trusted ``text/html`` outputs whose scripts are
the in-page explorers; the site shows them live. A page built from any other notebook (a
learner's working copy in ``my-notebooks/`` that differs from the stored version, or a notebook
from elsewhere) is *untrusted*: its HTML outputs, raw cells and rendered Markdown pass through
nbconvert's ``SanitizeHTML`` (bleach), which keeps text, tables, lists, links and maths, escapes
every other tag (so a ``<script>`` shows as text and never runs), and drops outputs that only
run as code (JavaScript, SVG, widget views). Images stored as PNG or JPEG outputs stay.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat
from nbconvert.preprocessors.sanitize import SanitizeHTML

UNTRUSTED = "d2lite_untrusted"       # resources key: the page's Markdown is sanitised too

_HTML = ["a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div",
         "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
         "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span",
         "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
         "u", "ul", "var"]
_MATHML = ["math", "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "mfrac", "msqrt", "mroot",
           "mstyle", "merror", "mpadded", "mphantom", "menclose", "msub", "msup", "msubsup",
           "munder", "mover", "munderover", "mtable", "mtr", "mtd", "semantics", "annotation"]
_ATTRIBUTES = {"*": ["class", "id", "title", "lang", "dir", "align", "colspan", "rowspan"],
               "a": ["href", "title"], "img": ["src", "alt", "width", "height"],
               "math": ["display", "xmlns"], "mo": ["stretchy", "fence", "separator", "form"],
               "mstyle": ["displaystyle", "scriptlevel"], "mi": ["mathvariant"],
               "mtable": ["columnalign", "rowspacing", "columnspacing"],
               "mspace": ["width"], "annotation": ["encoding"], "details": ["open"]}
_SANITIZER = SanitizeHTML(tags=_HTML + _MATHML, attributes=_ATTRIBUTES)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_trusted(path: Path, stored: Path | None) -> bool:
    """True for a notebook of the stored collection: in ``stored`` (None: the folder being
    rendered is the collection) or byte for byte the stored notebook of the same name.

    >>> is_trusted(Path("notebooks/01-x.ipynb"), None)
    True
    """
    if stored is None or path.resolve().parent == stored.resolve():
        return True
    original = stored / path.name
    return original.is_file() and _digest(original) == _digest(path)


def sanitise_html(text: str) -> str:
    """``text`` with every tag outside a safe list escaped (scripts become visible text).

    >>> sanitise_html('<b>bold</b><script>alert(1)</script>')
    '<b>bold</b>&lt;script&gt;alert(1)&lt;/script&gt;'
    """
    return _SANITIZER.sanitize_html_tags(text)


def sanitise_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Sanitise the outputs and raw cells of an untrusted notebook (its Markdown is sanitised
    after rendering, so that maths and Markdown syntax survive)."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = _SANITIZER.sanitize_code_outputs(cell.get("outputs", []))
        elif cell.cell_type == "raw":
            cell.source = sanitise_html(cell.source)
    return nb


def unreadable(path: Path, error: Exception) -> str:
    """One line naming the notebook that could not be rendered and why."""
    reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return (f"{path}: not a notebook the site can render ({type(error).__name__}"
            + (f": {reason[:200]}" if reason else "") + "); open it in JupyterLab to repair it, "
            "or move it out of the folder")
