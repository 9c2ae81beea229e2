"""Build a reveal.js slide deck for each core notebook, to show from disk with no network.

    python tools/slides.py [--notebooks notebooks] [--out build/slides] [--stored notebooks] [NAME ...]

``make slides`` runs it: every notebook of :data:`CORE` (or the NAMEs given, such as
``03-the-algorithm``) becomes ``build/slides/<name>.html``, next to a copy of the vendored
reveal.js (``tools/vendor/reveal.js``, MIT) and an ``index.html`` listing the decks. A deck
loads nothing from the internet: reveal.js comes from that copy, figures are embedded PNGs,
maths is MathML (as on the static site of ``tools/render_html.py``, whose preprocessor and
Markdown renderer are reused), and the slider explorers run their own inline script.

The notebooks are not edited to make slides. The structure comes from a rule applied at build
time, cell by cell (:func:`slide_type_of`); a cell that has ``metadata.slideshow.slide_type``
(set in JupyterLab's property inspector) keeps it, and the rule does not touch it:

* the navigation links (tag ``nav``), the set-up cell (tag ``setup``) and code cells without
  outputs are skipped;
* a ``#`` or ``##`` heading starts a new slide (a column of reveal.js: left and right arrows),
  a deeper heading a sub-slide (down arrow), wherever it stands in a Markdown cell; the
  heading stays on the slide and the text under it follows the rule for prose;
* prose is cut into paragraphs: lists are shown on the current slide, and so are prose
  paragraphs while the slide's prose stays within :data:`PROSE_LIMIT` characters; the other
  paragraphs become the slide's speaker notes (press ``S``);
* a code cell whose point is its figure (an image, a slider explorer) is a sub-slide showing
  the figure alone: its code is hidden (as is the code of a cell tagged ``remove-input``, and
  code longer than :data:`CODE_LINE_LIMIT` lines, whose outputs alone are shown);
* any other code cell with outputs is a sub-slide with its code (``NBVAL`` markers dropped)
  and its outputs.

A slide longer than the screen scrolls inside the slide. Built from other notebooks
(``--notebooks my-notebooks``), a deck whose notebook differs from the stored one has its HTML
sanitised as on the static site (``site_safety``): its scripts never run.
"""
from __future__ import annotations

import argparse
import copy
import re
import shutil
import sys
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbconvert import SlidesExporter
from nbconvert.preprocessors import TagRemovePreprocessor

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_tools import title_of  # noqa: E402
from render_html import WIDGET_VIEW, StaticHTMLExporter, StaticSitePreprocessor, link_items, write_page  # noqa: E402
from site_safety import UNTRUSTED, is_trusted, sanitise_notebook  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
#: The core of the course, in its order: one deck each.
CORE = ("01-sparse-features", "02-preconditioning", "03-the-algorithm", "04-from-scratch",
        "05-concise")
VENDOR = Path(__file__).resolve().parent / "vendor" / "reveal.js"
REVEAL_DIR = "reveal.js"  # the copy's folder name next to the decks
THEME = "white"  # the one theme vendored
#: At most this many characters of prose paragraphs on a slide (lists are not counted); the
#: paragraphs that would go beyond it become speaker notes.
PROSE_LIMIT = 600
#: Code longer than this (in lines) is not shown on a slide, only its outputs.
CODE_LINE_LIMIT = 20
SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")
SKIP_TAGS = {"nav", "setup"}
HIDE_INPUT = "remove-input"
_HEADING = re.compile(r"^(#{1,6})\s+\S")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_NBVAL = re.compile(r"^\s*#\s*NBVAL_\w+\s*$")
WIDTH, HEIGHT = 1100, 720  # the slide's own size in CSS pixels; reveal.js scales it to the window

TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{#- nbconvert's reveal template minus every script and style sheet it would fetch from a CDN -#}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_css -%}
<style>
  math { font-size: 1.1em; }
  math[display="block"] { margin: 0.5em 0; }
  mtd[columnalign="left"] { text-align: left; }
  mtd[columnalign="right"] { text-align: right; }
  .d2lite-tex { font-family: var(--jp-code-font-family); }
  .reveal { font-size: 30px; }
  .reveal .slides h1, .reveal .slides h2, .reveal .slides h3 { text-transform: none; }
  .reveal h1 { font-size: 1.8em; } .reveal h2 { font-size: 1.4em; } .reveal h3 { font-size: 1.15em; }
  :root:root { --jp-content-font-size1: 24px; --jp-code-font-size: 17px; --jp-ui-font-size1: 20px; }
  .reveal .jp-RenderedHTMLCommon p, .reveal .jp-RenderedHTMLCommon li { line-height: 1.35; }
  /* code wraps: nothing is cut off at the slide's right edge */
  .reveal pre, .reveal .jp-RenderedText pre { white-space: pre-wrap; overflow-wrap: anywhere; }
  .reveal .slides section { text-align: left; }
  /* a slide longer than the screen scrolls inside itself (reveal.js would cut it off) */
  .reveal .slides section:not(.stack) { max-height: {{ resources.reveal.height }}px; overflow-y: auto;
    box-sizing: border-box; }
  .reveal section img { max-width: 100%; height: auto; }
  /* a figure fills the slide's width, or its height, whichever comes first */
  .reveal .jp-OutputArea-output > img { width: 100%; max-height: 470px; object-fit: contain;
    object-position: left top; }
  .reveal .jp-OutputArea-output img { margin: 0; }
  .d2lite-still-caption { font-style: italic; margin: 0; font-size: 0.7em; }
  /* the explorers keep their own sizes and fonts */
  .reveal .d2lite-explorer { font-size: 16px; line-height: 1.3; }
  .reveal .d2lite-explorer img { max-height: none; }
  /* WCAG 2.2 AA: links underlined and dark enough; code colours at 4.5:1 on the cells' grey */
  .reveal a, .reveal a:visited { color: #1a5fb4; text-decoration: underline; }
  :root:root, body { --jp-mirror-editor-comment-color: #2e6363; --jp-mirror-editor-keyword-color: #006e00;
    --jp-mirror-editor-builtin-color: #006e00; --jp-mirror-editor-number-color: #006600;
    --jp-mirror-editor-operator-color: #8a16c8; --jp-mirror-editor-string-color: #a31515;
    --jp-mirror-editor-def-color: #0000e0; --jp-mirror-editor-variable-2-color: #05a;
    --jp-mirror-editor-meta-color: #8a16c8; --jp-mirror-editor-atom-color: #0000c4;
    --jp-mirror-editor-quote-color: #006e00; --jp-content-font-color3: rgba(0, 0, 0, 0.62); }
  .reveal .controls { color: #1a5fb4; }
  .reveal .slide-number { background: #1a1a1a; color: #fff; }
</style>
{%- endblock html_head_css -%}
{%- block footer_js -%}
<script src="{{ resources.reveal.url_prefix }}/dist/reveal.js"></script>
<script src="{{ resources.reveal.url_prefix }}/plugin/notes/notes.js"></script>
<script>
  Reveal.initialize({
    controls: true, progress: true, hash: true, slideNumber: 'c/t', center: false,
    transition: 'none', width: {{ resources.reveal.width }}, height: {{ resources.reveal.height }},
    margin: 0.03, plugins: [RevealNotes],
  }).then(() => {
    // a slide that scrolls can be scrolled from the keyboard too (WCAG 2.1.1): focusable
    document.querySelectorAll('.reveal .slides section:not(.stack)').forEach((s) => {
      if (s.scrollHeight > s.clientHeight + 1) s.setAttribute('tabindex', '0');
    });
  });
</script>
{%- endblock footer_js -%}
"""


def _slideshow_type(cell: nbformat.NotebookNode) -> str | None:
    """The cell's own ``metadata.slideshow.slide_type``, or None when it has none."""
    slideshow = cell.get("metadata", {}).get("slideshow") or {}
    kind = slideshow.get("slide_type")
    if kind is None:
        return None
    if kind not in SLIDE_TYPES:
        raise ValueError(f"metadata.slideshow.slide_type is {kind!r}; accepted: {', '.join(SLIDE_TYPES)}")
    return kind


def holds_figure(cell: nbformat.NotebookNode) -> bool:
    """Whether a code cell's point is its figure: an image or a slider explorer among its outputs.

    >>> out = nbformat.v4.new_output("display_data", data={"image/png": "iVBOR", "text/plain": "fig"})
    >>> holds_figure(nbformat.v4.new_code_cell("plot()", outputs=[out]))
    True
    >>> holds_figure(nbformat.v4.new_code_cell("print(1)", outputs=[
    ...     nbformat.v4.new_output("stream", text="1\\n")]))
    False
    """
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "image/png" in data or "image/svg+xml" in data or WIDGET_VIEW in data:
            return True
        page = str(data.get("text/html", ""))
        if "d2lite-explorer" in page or '<img src="data:image/' in page:
            return True
    return False


def is_list(text: str) -> bool:
    """Whether every paragraph of ``text`` is a bulleted or numbered list.

    >>> is_list("- one\\n- two\\n\\n1. three")
    True
    >>> is_list("Some prose.\\n\\n- then a list")
    False
    """
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return bool(paragraphs) and all(_LIST_ITEM.match(p) for p in paragraphs)


def blocks(text: str) -> list[str]:
    """The paragraphs of Markdown ``text``, never splitting a code fence, a ``$$`` formula or a
    ``<details>`` element that contains blank lines.

    >>> blocks("One.\\n\\n$$\\na\\n\\nb\\n$$\\n\\nTwo.")
    ['One.', '$$\\na\\n\\nb\\n$$', 'Two.']
    """
    out: list[str] = []
    current: list[str] = []
    for part in re.split(r"\n[ \t]*\n", text.strip("\n")):
        current.append(part)
        joined = "\n\n".join(current)
        open_details = len(re.findall(r"<details\b", joined)) > len(re.findall(r"</details>", joined))
        if joined.count("```") % 2 or joined.count("$$") % 2 or open_details:
            continue
        out.append(joined)
        current = []
    if current:
        out.append("\n\n".join(current))
    return [b for b in out if b.strip()]


def sections(text: str) -> list[tuple[str, str]]:
    """``text`` cut at every heading line (outside code fences): ``(heading, body)`` pairs, the
    first with an empty heading when the text does not open with one.

    >>> sections("Intro.\\n## One\\nBody.\\n```\\n# a comment\\n```\\n### Two")
    [('', 'Intro.'), ('## One', 'Body.\\n```\\n# a comment\\n```'), ('### Two', '')]
    """
    found: list[tuple[str, list[str]]] = [("", [])]
    fenced = False
    for line in text.strip("\n").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and _HEADING.match(line):
            found.append((line.strip(), []))
        else:
            found[-1][1].append(line)
    pairs = [(heading, "\n".join(lines).strip("\n")) for heading, lines in found]
    return [pair for pair in pairs if pair[0] or pair[1].strip()]


def split_prose(text: str) -> tuple[str, str]:
    """``text`` cut into what the slide shows and what goes to the speaker notes.

    Lists are shown; prose paragraphs are shown while the slide's prose stays within
    :data:`PROSE_LIMIT` characters, and the others go to the notes.

    >>> shown, notes = split_prose("A short lead.\\n\\n" + "Long prose. " * 80 + "\\n\\n- a point")
    >>> shown
    'A short lead.\\n\\n- a point'
    >>> notes.startswith("Long prose.")
    True
    """
    shown, notes, used = [], [], 0
    for block in blocks(text):
        if is_list(block):
            shown.append(block)
        elif used + len(block) <= PROSE_LIMIT:
            shown.append(block)
            used += len(block)
        else:
            notes.append(block)
    return "\n\n".join(shown), "\n\n".join(notes)


def prose_type(text: str) -> str:
    """``"-"`` (shown on the current slide) when some of ``text`` is shown, else ``"notes"``.

    >>> prose_type("A short remark.")
    '-'
    >>> prose_type("word " * 200)
    'notes'
    """
    return "-" if split_prose(text)[0] else "notes"


def slide_type_of(cell: nbformat.NotebookNode) -> str:
    """The slide type the build rule gives ``cell`` (see the module docstring); a cell's own
    ``metadata.slideshow.slide_type`` wins.

    >>> slide_type_of(nbformat.v4.new_markdown_cell("## 2. Three clocks\\nShort."))
    'slide'
    >>> slide_type_of(nbformat.v4.new_markdown_cell("### The picture"))
    'subslide'
    >>> cell = nbformat.v4.new_markdown_cell("## Kept out", metadata={"slideshow": {"slide_type": "skip"}})
    >>> slide_type_of(cell)
    'skip'
    """
    own = _slideshow_type(cell)
    if own is not None:
        return own
    if SKIP_TAGS & set(cell.get("metadata", {}).get("tags", [])):
        return "skip"
    if cell.cell_type == "markdown":
        match = _HEADING.match(cell.source.lstrip())
        if match:
            return "slide" if len(match.group(1)) <= 2 else "subslide"
        return prose_type(cell.source)
    if cell.cell_type == "code":
        return "subslide" if cell.get("outputs") else "skip"
    return "skip"  # raw cells


def _with_type(cell: nbformat.NotebookNode, kind: str) -> nbformat.NotebookNode:
    cell = copy.deepcopy(cell)
    slideshow = dict(cell.get("metadata", {}).get("slideshow") or {}, slide_type=kind)
    cell.metadata["slideshow"] = nbformat.from_dict(slideshow)
    return cell


def plan_cell(cell: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The cells of the deck that ``cell`` becomes, each with ``metadata.slideshow.slide_type``.

    A Markdown cell is cut at its headings (:func:`sections`); each part becomes up to three
    cells: its heading, what the slide shows of its text and what goes to the speaker notes
    (:func:`split_prose`). A code cell whose point is its figure, or
    whose code is longer than :data:`CODE_LINE_LIMIT` lines, gets the tag that hides its code.

    >>> [c.metadata.slideshow.slide_type for c in plan_cell(
    ...     nbformat.v4.new_markdown_cell("## Summary\\n\\n" + "Long prose. " * 80 + "\\n\\n- a point"))]
    ['slide', '-', 'notes']
    """
    kind = slide_type_of(cell)
    if kind == "skip":
        return []
    if _slideshow_type(cell) is not None:  # the author's choice: used as it is
        return [_with_type(cell, kind)]
    if cell.cell_type == "markdown":
        made = []
        for k, (heading, body) in enumerate(sections(cell.source)):
            shown, notes = split_prose(body)
            level = len(_HEADING.match(heading).group(1)) if heading else 0
            for part, part_kind, suffix in ((heading, "slide" if level <= 2 else "subslide", ""),
                                            (shown, "-", "-shown"), (notes, "notes", "-notes")):
                if part.strip():
                    piece = _with_type(cell, part_kind)
                    piece.source = part
                    piece.id = f"{cell.get('id', 'cell')}-{k}{suffix}"
                    made.append(piece)
        return made
    planned = _with_type(cell, kind)
    if cell.cell_type == "code":
        planned.source = "\n".join(line for line in planned.source.splitlines()
                                   if not _NBVAL.match(line)).strip("\n")
        if holds_figure(cell) or len(planned.source.splitlines()) > CODE_LINE_LIMIT:
            planned.metadata["tags"] = [*planned.metadata.get("tags", []), HIDE_INPUT]
    return [planned]


def plan(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose cells carry the slide structure; the notebook itself is unchanged."""
    deck = copy.deepcopy(nb)
    deck.cells = [made for cell in nb.cells for made in plan_cell(cell)]
    if not any(c.metadata.slideshow.slide_type not in ("skip", "notes") for c in deck.cells):
        raise ValueError("every cell of the notebook is skipped or a note: no slide to show")
    return deck


class OfflineSlidesExporter(SlidesExporter):
    """nbconvert's reveal.js exporter with the static site's offline maths (MathML)."""

    markdown2html = StaticHTMLExporter.markdown2html


def make_exporter() -> OfflineSlidesExporter:
    """The exporter of every deck: nbconvert's reveal template without CDN scripts, the static
    site's preprocessor (an explorer's widget view becomes its still), no prompts, hidden code."""
    exporter = OfflineSlidesExporter(
        extra_loaders=[DictLoader({"d2lite-slides.html.j2": TEMPLATE})], embed_images=True,
        reveal_url_prefix=REVEAL_DIR, reveal_theme=THEME, reveal_width=str(WIDTH), reveal_height=str(HEIGHT),
        exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.template_file = "d2lite-slides.html.j2"
    exporter.register_preprocessor(StaticSitePreprocessor(), enabled=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_input_tags={HIDE_INPUT}), enabled=True)
    return exporter


def render_deck(exporter: OfflineSlidesExporter, path: Path, out_dir: Path, trusted: bool = True) -> Path:
    """Write the deck of the notebook at ``path`` to ``out_dir/<name>.html`` and return its path;
    an untrusted notebook (``site_safety.is_trusted``) has its HTML sanitised, as on the site."""
    nb = nbformat.read(path, as_version=4)
    resources = {"metadata": {"name": path.stem, "path": str(path.parent)}}
    if not trusted:
        nb, resources[UNTRUSTED] = sanitise_notebook(nb), True
    body, _ = exporter.from_notebook_node(plan(nb), resources=resources)
    return write_page(body, out_dir, path.stem)


def index_page(decks: list[Path], titles: dict[str, str]) -> str:
    """The HTML of ``index.html``: a link to every deck, titled from ``titles`` (by file name)."""
    items = link_items(decks, titles)
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Slides</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<style>body{font-family:sans-serif;max-width:46em;margin:2em auto;padding:0 1em;"
            "line-height:1.5}li{margin:0.5em 0}li a{display:inline-block;padding:4px 0;"
            "min-height:24px}</style></head>\n<body><main><h1>Slides of the core notebooks</h1>\n"
            "<p>Arrows move between slides (down for a slide's details), <kbd>S</kbd> opens the "
            "speaker notes, <kbd>Esc</kbd> the overview.</p>\n"
            f"<ul>\n{items}\n</ul></main></body></html>\n")


def build(notebook_dir: Path, out_dir: Path, names: tuple[str, ...] = CORE,
          stored: Path | None = None) -> list[Path]:
    """Render the deck of every notebook ``names`` lists (stems, without ``.ipynb``) into
    ``out_dir``, with the vendored reveal.js beside them and an ``index.html``; returns the decks.

    ``stored`` is the trusted collection (None: ``notebook_dir`` is it): a notebook that differs
    from its stored version has its HTML sanitised, so its scripts never run (as on the site)."""
    missing = [n for n in names if not (notebook_dir / f"{n}.ipynb").is_file()]
    if missing:
        found = ", ".join(sorted(p.stem for p in notebook_dir.glob("[0-9]*.ipynb")))
        raise FileNotFoundError(f"names: no notebook {', '.join(missing)} in {notebook_dir}; found: {found}")
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(VENDOR, out_dir / REVEAL_DIR, dirs_exist_ok=True)
    exporter = make_exporter()
    decks, titles = [], {}
    for name in names:
        path = notebook_dir / f"{name}.ipynb"
        decks.append(render_deck(exporter, path, out_dir, is_trusted(path, stored)))
        titles[decks[-1].name] = title_of(nbformat.read(path, as_version=4)) or name
    (out_dir / "index.html").write_text(index_page(decks, titles), encoding="utf-8")
    return decks


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring); 2 when a named notebook is missing."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help=f"notebook stems (default: {' '.join(CORE)})")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "slides")
    parser.add_argument("--stored", type=Path, default=ROOT / "notebooks",
                        help="the trusted collection: other notebooks are sanitised")
    args = parser.parse_args(argv)
    try:
        decks = build(args.notebooks, args.out, tuple(args.names) or CORE, args.stored)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{len(decks)} decks in {args.out} (open {args.out / 'index.html'}; S: speaker notes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
