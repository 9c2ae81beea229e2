"""Render the stored notebooks to a static site for readers who run nothing (no re-execution).

    python tools/render_html.py [--notebooks notebooks] [--out build/html]

Every ``NN-name.ipynb`` becomes ``NN-name.html``; ``index.html`` is the contents page
(``00-contents.md``, a Markdown file ``tools/nav.py`` writes, rendered through the same template
as the notebooks, as a notebook of Markdown cells made in memory) or, without one, a plain list
of pages.

What the site does differently from a plain ``jupyter nbconvert --to html``:

* The chapters' slider explorers (``d2lite.explorers``) are self-contained HTML: a still PNG and
  an inline script that moves the sliders in the page, so they show on the site as stored.  The
  one kernel widget, ``d2lite.explore`` (a learner's own rule under ipywidgets sliders), stores a
  widget view beside a PNG of its last figure; the widget view is dropped so the page shows that
  figure instead of a dead widget (which needs a kernel), with its one-line description
  ("Explorer of ... with sliders: ...; moving the sliders needs a running kernel") as a caption.
  The notebook's widget state goes too.
* Sources and outputs JupyterLab hides (``metadata.jupyter.source_hidden``, ``outputs_hidden``:
  the exercises' solutions) are folded in ``<details>`` elements the reader opens, as in JupyterLab.
* A ``<details>`` block written in Markdown (the folded answers of the quick questions) keeps
  its Markdown content inside it, folded, as in JupyterLab.
* Links between notebooks (``NN-name.ipynb``) and to the contents page (``00-contents.md``)
  point to the pages (``NN-name.html``).
* Nothing is loaded from the internet to display a page: figures are embedded PNGs; the
  RequireJS, widget, MathJax and Mermaid scripts of nbconvert's template are left out, and TeX
  maths in Markdown is turned into MathML (which browsers render natively) when the
  ``latex2mathml`` package is installed; without it the TeX source is shown as written.
"""
from __future__ import annotations

import argparse
import html
import re
import sys
from pathlib import Path
from xml.etree import ElementTree

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nav import contents_notebook  # noqa: E402
from notebook_tools import title_of  # noqa: E402  (shared with tools/nav.py)
from site_safety import UNTRUSTED, is_trusted, sanitise_html, sanitise_notebook, unreadable  # noqa: E402

try:
    from jinja2 import pass_context
except ImportError:  # pragma: no cover - jinja2 < 3
    from jinja2 import contextfilter as pass_context

try:
    from latex2mathml.converter import convert as latex_to_mathml
except ImportError:  # pragma: no cover - optional: maths then stays as TeX
    latex_to_mathml = None

ROOT = Path(__file__).resolve().parents[1]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
CONTENTS = "00-contents.md"

# nbconvert's "lab" template, minus every script it would fetch from a CDN.
TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{#- Cells whose source JupyterLab hides (exercise solutions) stay folded: <details>. -#}
{#- A fold says what it holds: its kind and the first line of the cell (a heading, a comment). -#}
{%- macro fold_label(cell, what) -%}
{%- set ns = namespace(first='') -%}
{%- for line in cell.source.split('\n') if not ns.first and line.strip() and 'NBVAL' not in line -%}
{%- set ns.first = line.lstrip('# ').replace('*', '').replace('`', '').strip() | striptags | truncate(80) -%}
{%- endfor -%}
{%- set kind = 'solution ' ~ what if 'solution' in cell.metadata.get('tags', []) else what -%}
Show the {{ kind }}{{ ': ' ~ ns.first if ns.first else '' }}
{%- endmacro -%}
{%- macro holds_explorer(cell) -%}
{%- for output in cell.outputs if 'd2lite-explorer' in (output.get('data', {}).get('text/html', '') | string) -%}yes{%- endfor -%}
{%- endmacro -%}
{%- block markdowncell scoped -%}
{%- if cell.metadata.get('jupyter', {}).get('source_hidden') -%}
<details class="d2lite-folded"><summary>{{ fold_label(cell, 'text') }}</summary>
{{ super() }}
</details>
{%- else -%}
{{ super() }}
{%- endif -%}
{%- endblock markdowncell -%}
{%- block input_group -%}
{%- if cell.metadata.get('jupyter', {}).get('source_hidden') -%}
<details class="d2lite-folded"><summary>{{ fold_label(cell, 'code') }}</summary>
{{ super() }}
</details>
{%- else -%}
{{ super() }}
{%- endif -%}
{%- endblock input_group -%}
{%- block output_group -%}
{#- An explorer is never folded away: it shows wherever its cell is. -#}
{%- if cell.metadata.get('jupyter', {}).get('outputs_hidden') and cell.outputs and not holds_explorer(cell) -%}
<details class="d2lite-folded"><summary>{{ fold_label(cell, 'output') }}</summary>
{{ super() }}
</details>
{%- else -%}
{{ super() }}
{%- endif -%}
{%- endblock output_group -%}
{%- block extra_css -%}
<style>
  math { font-size: 1.15em; }
  math[display="block"] { margin: 0.8em 0; }
  math[display="block"] mtd { math-style: normal; }
  math mtd { padding-left: 0.1em; padding-right: 0.1em; }
  mtd[columnalign="left"] { text-align: left; }
  mtd[columnalign="right"] { text-align: right; }
  .d2lite-tex { font-family: var(--jp-code-font-family); }
  details.d2lite-folded { margin: 0.3em 0 0.3em var(--jp-cell-prompt-width, 64px); }
  details.d2lite-folded > summary { cursor: pointer; color: var(--jp-content-link-color, #1976d2);
    font-family: var(--jp-content-font-family); font-size: var(--jp-content-font-size1, 14px);
    overflow-wrap: anywhere; }
  .d2lite-still-caption { font-style: italic; color: var(--jp-content-font-color2); margin: 0; }
  /* WCAG 2.2 AA: code and prompts at 4.5:1 or more on the cells' #f5f5f5 and on white */
  :root:root, body { --jp-cell-prompt-not-active-opacity: 1; --jp-cell-prompt-not-active-font-color: #616161;
    --jp-cell-inprompt-font-color: #1f5f99; --jp-cell-outprompt-font-color: #a0472c;
    --jp-mirror-editor-atom-color: #0000c4; --jp-mirror-editor-attribute-color: #0000c4;
    --jp-mirror-editor-bracket-color: #6e6e4e; --jp-mirror-editor-builtin-color: #006e00;
    --jp-mirror-editor-comment-color: #2e6363; --jp-mirror-editor-def-color: #0000e0;
    --jp-mirror-editor-error-color: #d10000; --jp-mirror-editor-header-color: #0000e0;
    --jp-mirror-editor-hr-color: #616161; --jp-mirror-editor-keyword-color: #006e00;
    --jp-mirror-editor-link-color: #0000c4; --jp-mirror-editor-meta-color: #8a16c8;
    --jp-mirror-editor-number-color: #006600; --jp-mirror-editor-operator-color: #8a16c8;
    --jp-mirror-editor-quote-color: #006e00; --jp-mirror-editor-tag-color: #006e00;
    --jp-content-font-color3: rgba(0, 0, 0, 0.62); --jp-ui-font-color3: rgba(0, 0, 0, 0.62); }
  /* prose links are underlined, not told apart by colour alone */
  body .jp-RenderedHTMLCommon a:link, body .jp-RenderedHTMLCommon a:visited { text-decoration: underline; }
  /* a phone (390 px): no prompt column, code and wide outputs scroll inside their cell */
  @media (max-width: 600px) {
    .jp-InputPrompt, .jp-OutputPrompt { display: none; }
    :root:root, body { --jp-cell-prompt-width: 0px; }
    details.d2lite-folded { margin-left: 0; }
    body .jp-Notebook, body .jp-Cell { padding-left: 2px; padding-right: 2px; }
    body { margin: 0; }
    math[display="block"] { font-size: 0.95em; }
    body .jp-RenderedHTMLCommon table { font-size: 11px; table-layout: fixed; width: 100%; }
    /* both axes: with one axis visible and the other auto, CSS computes visible as auto */
    body .jp-RenderedMarkdown, body .jp-RenderedHTMLCommon { overflow: visible; }
    body .jp-RenderedMarkdown code { overflow-wrap: anywhere; }
    body .jp-RenderedHTMLCommon td code, body .jp-RenderedHTMLCommon th code {
      overflow-wrap: anywhere; white-space: normal; }
    body .jp-RenderedHTMLCommon td, body .jp-RenderedHTMLCommon th { padding: 0.3em 0.3em;
      white-space: normal; }
    .jp-OutputArea-output, .jp-InputArea-editor { overflow-x: auto; }
    body .jp-RenderedText pre { white-space: pre-wrap; overflow-wrap: anywhere; }
  }
  /* an explorer's caption speaks of this page, a static one */
  .d2lite-in-jupyter { display: none; }
  .d2lite-on-site[hidden] { display: inline; }
</style>
{%- endblock extra_css -%}
"""

# A relative link target ending in .ipynb, or naming a numbered page ``NN-name.md`` (the contents
# page), optionally with a #fragment, in Markdown or HTML.  Other .md links are left alone.
_PAGE = r"(?:[^)\s#]+?(?=\.ipynb)|(?:[^)\s#]*/)?[0-9][0-9]-[^)\s#/]+?(?=\.md))"
_MD_LINK = re.compile(r"(\]\()(?![a-zA-Z][\w+.-]*:)(" + _PAGE + r")\.(?:ipynb|md)((?:#[^)\s]*)?)([)\s])")
_HTML_PAGE = r"""(?:[^"'#]+?(?=\.ipynb)|(?:[^"'#]*/)?[0-9][0-9]-[^"'#/]+?(?=\.md))"""
_HTML_LINK = re.compile(r"""(href=["'])(?![a-zA-Z][\w+.-]*:)(""" + _HTML_PAGE
                        + r""")\.(?:ipynb|md)((?:#[^"']*)?["'])""")


def ipynb_links_to_html(text: str) -> str:
    """Point relative links to ``x.ipynb``, and to a numbered Markdown page ``NN-x.md``, at
    ``x.html`` (absolute URLs and other Markdown files are left alone).

    >>> ipynb_links_to_html("[c](00-contents.md), [n](03-a.ipynb#Top), [r](../RESULTS.md)")
    '[c](00-contents.html), [n](03-a.html#Top), [r](../RESULTS.md)'
    """
    text = _MD_LINK.sub(r"\1\2.html\3\4", text)
    return _HTML_LINK.sub(r"\1\2.html\3", text)


class StaticSitePreprocessor(Preprocessor):
    """``d2lite.explore``'s widget outputs keep only their image; notebook links point to pages."""

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)  # no widget state: nothing on the page needs it
        title = title_of(nb)
        if title:
            nb.metadata["title"] = title
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            cell.source = ipynb_links_to_html(cell.source)
        outputs = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            data.pop(WIDGET_STATE, None)
            outputs.append(output)
            if WIDGET_VIEW not in data:
                continue
            # With a PNG (d2lite.explore stores one) the page shows it, and its text/plain
            # description ("Explorer of ... with sliders: ...") as a caption below; without a PNG
            # the text/plain remains, which the site test reports if it is a bare widget repr.
            del data[WIDGET_VIEW]
            if "image/png" in data and data.get("text/plain"):
                caption = html.escape(str(data.pop("text/plain")))
                outputs.append(nbformat.v4.new_output("display_data", data={
                    "text/html": f'<p class="d2lite-still-caption">{caption}</p>'}))
        if cell.cell_type == "code":
            cell.outputs = outputs
        return cell, resources


_ALIGN_ENV = re.compile(r"\\begin\{(aligned|align\*?|eqnarray\*?|split|alignat\*?)\}(\{\d+\})?(.*?)"
                        r"\\end\{\1\}", re.S)
_GATHER_ENV = re.compile(r"\\begin\{(gathered|gather\*?)\}(.*?)\\end\{\1\}", re.S)


def _as_array(match: re.Match) -> str:
    """An align-like environment as an ``array`` of right/left columns (which latex2mathml knows)."""
    body = match.group(3)
    rows = re.split(r"\\\\", body)
    columns = max(row.count("&") for row in rows) + 1
    body = re.sub(r"&\s*(?=[=<>+\-]|\\(?:le|ge|leq|geq|approx|equiv|sim|propto|to)\b)", "&{}", body)
    return f"\\begin{{array}}{{{('rl' * columns)[:columns]}}}{body}\\end{{array}}"


def normalise_tex(tex: str) -> str:
    """Rewrite the AMS environments latex2mathml does not know into ones it does."""
    tex = _ALIGN_ENV.sub(_as_array, tex)
    return _GATHER_ENV.sub(lambda m: f"\\begin{{array}}{{c}}{m.group(2)}\\end{{array}}", tex)


def tex_to_mathml(tex: str, display: str) -> str | None:
    """``tex`` as a MathML element, or None when it cannot be converted to well-formed MathML."""
    if latex_to_mathml is None:
        return None
    try:
        mathml = latex_to_mathml(normalise_tex(tex), display=display)
        ElementTree.fromstring(mathml)  # reject malformed output (e.g. a bare '&')
    except Exception:  # noqa: BLE001 - an unsupported command: the caller shows the TeX instead
        return None
    return mathml


class MathMLRenderer(IPythonRenderer):
    """nbconvert's Markdown renderer, writing TeX maths as MathML instead of leaving it to MathJax.

    A formula that cannot be converted is shown as its TeX source and listed in ``unconverted``.
    """

    unconverted: list[str] = []

    def _math(self, tex: str, display: str) -> str:
        mathml = tex_to_mathml(tex, display)
        if mathml is not None:
            return mathml
        if latex_to_mathml is not None:
            MathMLRenderer.unconverted.append(tex)
        delimiter = "$$" if display == "block" else "$"
        return f'<span class="d2lite-tex">{delimiter}{html.escape(tex)}{delimiter}</span>'

    def inline_math(self, body: str) -> str:
        return self._math(body, "inline")

    def block_html(self, html: str) -> str:
        """Raw HTML as written, unless it holds an image to embed.

        To embed images nbconvert re-serialises the block through an HTML parser, which closes an
        open ``<details>`` at once: a folded answer (``<details><summary>Answer</summary>``, a blank
        line, Markdown, a blank line, ``</details>``) would show its answer unfolded.
        """
        if "<img" not in html.lower():
            return super(IPythonRenderer, self).block_html(html)
        return super().block_html(html)

    def block_math(self, body: str) -> str:
        return self._math(body, "block")

    def latex_environment(self, name: str, body: str) -> str:
        return self._math(f"\\begin{{{name}}}{body}\\end{{{name}}}", "block")


class StaticHTMLExporter(HTMLExporter):
    """HTMLExporter with offline maths and no CDN scripts (see the module docstring)."""

    @pass_context
    def markdown2html(self, context, source):
        cell = context.get("cell", {})
        renderer = MathMLRenderer(
            escape=False,
            attachments=cell.get("attachments", {}),
            embed_images=self.embed_images,
            path=context.get("resources", {}).get("metadata", {}).get("path", ""),
            anchor_link_text=self.anchor_link_text,
            exclude_anchor_links=self.exclude_anchor_links,
            **self.lexer_options,
        )
        rendered = MarkdownWithMath(renderer=renderer).render(source)
        return sanitise_html(rendered) if context.get("resources", {}).get(UNTRUSTED) else rendered


def make_exporter() -> StaticHTMLExporter:
    exporter = StaticHTMLExporter(template_name="lab", extra_loaders=[DictLoader({"d2lite.html.j2": TEMPLATE})],
                                  embed_images=True)
    exporter.template_file = "d2lite.html.j2"
    exporter.register_preprocessor(StaticSitePreprocessor(), enabled=True)
    return exporter


def read_page(path: Path) -> nbformat.NotebookNode:
    """A page's notebook: the stored notebook, or for a Markdown page (the contents page) a
    notebook of its Markdown cells, made in memory (``tools/nav.py``'s ``contents_notebook``)."""
    if path.suffix == ".md":
        return contents_notebook(path.read_text(encoding="utf-8"))
    return nbformat.read(path, as_version=4)


def render_notebook(exporter: HTMLExporter, path: Path, out_dir: Path, trusted: bool = True) -> Path:
    """Render one notebook (or the Markdown contents page) to ``out_dir/<name>.html`` and return
    that path; an untrusted one (see ``is_trusted``) has its HTML sanitised and its scripts removed."""
    nb = read_page(path)
    resources = {"metadata": {"name": path.stem, "path": str(path.parent)}}
    if not trusted:
        nb, resources[UNTRUSTED] = sanitise_notebook(nb), True
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return write_page(body, out_dir, path.stem)


def write_page(body: str, out_dir: Path, stem: str) -> Path:
    """Write ``out_dir/<stem>.html`` and return its path (the site's pages and the slide decks).

    A table's empty corner cell (a Markdown table whose first header is blank) is no header: it
    is written as a plain cell."""
    target = out_dir / f"{stem}.html"
    target.write_text(body.replace("<th></th>", "<td></td>"), encoding="utf-8")
    return target


def link_items(pages: list[Path], titles: dict[str, str]) -> str:
    """The ``<li>`` links of an index page, one per page, titled from ``titles`` (by file name;
    the file's stem when it has no title)."""
    return "\n".join(f'<li><a href="{p.name}">{html.escape(titles.get(p.name, p.stem))}</a></li>'
                     for p in pages)


def fallback_index(pages: list[Path], titles: dict[str, str]) -> str:
    items = link_items(pages, titles)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Contents</title>'
            f"</head>\n<body><h1>Contents</h1>\n<ul>\n{items}\n</ul></body></html>\n")


def render_site(notebook_dir: Path, out_dir: Path, stored: Path | None = None,
                skipped: list[str] | None = None) -> list[Path]:
    """Render every ``[0-9]*.ipynb`` of ``notebook_dir``, and its contents page ``00-contents.md``,
    into ``out_dir`` plus ``index.html`` (the contents page's copy).

    ``stored`` is the trusted collection (None: ``notebook_dir`` is it); see ``is_trusted``. A
    notebook that cannot be read or rendered is skipped, with the reason added to ``skipped``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    exporter = make_exporter()
    pages, titles = [], {}
    sources = sorted([*notebook_dir.glob("[0-9]*.ipynb"), *notebook_dir.glob(CONTENTS)])
    for path in sources:
        try:
            page = render_notebook(exporter, path, out_dir, is_trusted(path, stored))
            titles[page.name] = title_of(read_page(path)) or path.stem
        except Exception as error:   # one broken notebook must not take the site down
            (skipped if skipped is not None else []).append(unreadable(path, error))
            continue
        pages.append(page)
    index = out_dir / "index.html"
    contents = out_dir / CONTENTS.replace(".md", ".html")
    if contents.exists():
        index.write_text(contents.read_text(encoding="utf-8"), encoding="utf-8")
    else:
        index.write_text(fallback_index(pages, titles), encoding="utf-8")
    return [index, *pages]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "html")
    parser.add_argument("--stored", type=Path, default=ROOT / "notebooks",
                        help="the trusted collection: other notebooks are sanitised")
    args = parser.parse_args(argv)
    if latex_to_mathml is None:
        print("note: latex2mathml is not installed; maths is shown as TeX source", file=sys.stderr)
    skipped: list[str] = []
    pages = render_site(args.notebooks, args.out, args.stored, skipped)
    print(f"{len(pages)} pages in {args.out} (open {args.out / 'index.html'})")
    for reason in skipped:
        print(f"error: skipped {reason}", file=sys.stderr)
    for tex in dict.fromkeys(MathMLRenderer.unconverted):
        print(f"note: shown as TeX (latex2mathml cannot convert it): {tex[:120]!r}", file=sys.stderr)
    return 1 if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
