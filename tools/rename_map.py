"""Rewrite the old flat ``d2lite`` paths to the sub-packages by job (issue 18).

The package moved from 31 modules side by side to five sub-packages (``book``, ``optimizers``,
``problems``, ``figures``, ``explorers``) over two bottom modules (``style``, ``_checks``).  This
tool rewrites every old dotted path in ``.py`` and ``.ipynb`` sources (cell sources only, never
stored outputs) to its one new name:

* ``from d2lite.quadratic import quadratic_2d`` and the relative ``from .quadratic import ...``
  of a module directly under ``d2lite/``, split into one line per new home when the names moved
  to different modules;
* ``from d2lite import quadratic, rates`` (modules) and ``import d2lite.quadratic``;
* attribute paths ``d2lite.quadratic.quadratic_2d`` and file paths ``d2lite/web/`` (also in
  ``.md`` files, whose text is rewritten the same way).

It is idempotent (a second run changes nothing) and ``--check`` lists what would change and
exits 1 without writing.  ``python tools/rename_map.py [--check] [PATH ...]`` (default: the
repository, without ``.venv``, ``.git`` and ``my-notebooks``).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: A file holding this line is left as it is (tests/test_rename_map.py: its examples are old paths).
LEAVE = "rename_map: " + "leave this file"
SKIP = {".venv", ".git", "my-notebooks", "node_modules", "__pycache__", ".ipynb_checkpoints"}

#: Old module (relative to ``d2lite``) -> its new home.
MODULES = {
    "_book": "book._book", "trace2d": "book.trace2d", "scratch": "book.scratch",
    "data": "book.data", "datasets": "book.datasets", "training": "book.training",
    "timer": "book.timer", "book_tabs": "book.tabs", "frameworks": "book.framework_runs",
    "plotting": "style", "colours": "style",
    "optim": "optimizers.optim", "presets": "optimizers.presets",
    "variants": "optimizers.variants", "fullmatrix": "optimizers.fullmatrix",
    "torch_variants": "optimizers.torch_variants",
    "quadratic": "problems.quadratic", "preconditioning": "problems.preconditioning",
    "gershgorin": "problems.gershgorin", "rates": "problems.rates",
    "embeddings": "problems.embeddings", "vision": "problems.vision",
    "classifier": "problems.classifier", "sparse": "problems.sparse",
    "sparse.data": "problems.sparse.data", "sparse.rules": "problems.sparse.rules",
    "sparse.results": "problems.sparse.results", "sparse.plots": "figures.sparse",
    "figures": "explorers.figures", "page": "explorers.page", "page_grids": "explorers.page",
}
#: The book's facades keep their short names (``from d2lite import torch as d2l``): the face
#: (``d2lite/__init__.py``) resolves them to ``d2lite.book.*``.
FACES = {"torch": "book.torch", "mxnet": "book.mxnet", "tensorflow": "book.tensorflow"}

#: Names that left their old module's new home: (old module, name) -> new module.
_MOVED = {
    "plotting": ({"set_figsize", "Animator", "_in_notebook"}, "book.plotting"),
    "trace2d": ({"show_trace_2d", "_shown", "_window", "_as_traces"}, "book.plotting"),
    "gershgorin": ({"plot_gershgorin"}, "figures.plots"),
    "rates": ({"plot_effective_rates", "COORDINATE_COLOURS"}, "figures.plots"),
    "training": ({"plot_loss_curves"}, "figures.plots"),
    "sparse": ({"RULE_COLOURS", "plot_error_vs_frequency", "plot_sparse_loss_curves",
                "plot_rate_grid", "plot_median_errors"}, "figures.sparse"),
    "data": ({"lr_explorer_data", "EXPLORER_EXAMPLES", "EXPLORER_NOISE"}, "explorers.figures"),
    "fullmatrix": ({"full_matrix_rotation_sweep"}, "problems.quadratic"),
}
NAMES = {(module, name): new for module, (names, new) in _MOVED.items() for name in names}
#: The new sub-packages' own modules: a path through them is already new (keeps runs idempotent,
#: since the old ``figures`` module and the new ``figures`` package share a name).
NEW_PACKAGES = {"book", "optimizers", "problems", "figures", "explorers"}
NEW_IN_FIGURES = {"plots", "sparse"}
#: What the old ``figures`` module held: a file that imports ``figures`` bare and uses one of these
#: means the old module (now ``explorers.figures``).
OLD_FIGURES = {"sparse_comparison_figure", "preconditioning_runs", "preconditioning_figure",
               "algorithm_figure", "scratch_lr_figure", "rotation_figure"}

FILE_PATHS = {"d2lite/web/": "d2lite/explorers/web/", "d2lite/datasets/": "d2lite/book/datasets/",
              "frameworks/results.json": "d2lite/book/results/frameworks.json"}


def _old(module: str) -> bool:
    """Is ``module`` (relative to d2lite) an old path this map rewrites?"""
    head, _, rest = module.partition(".")
    if head == "figures" and rest.split(".")[0] in NEW_IN_FIGURES:
        return False
    return module in MODULES


def new_home(module: str, name: str | None = None) -> str:
    """The new module (relative to d2lite) of ``module``, or of ``name`` imported from it."""
    if name is not None and (module, name) in NAMES:
        return NAMES[module, name]
    return MODULES.get(module, module)


def _split_names(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", " ").strip("() ").split(",") if part.strip()]


def _import_lines(indent: str, prefix: str, groups: dict[str, list[str]], comment: str) -> str:
    lines = []
    for module, names in groups.items():
        line = f"{indent}from {prefix}{module} import {', '.join(names)}"
        if len(line) > 100:
            inner = f",\n{indent}    ".join(names)
            line = f"{indent}from {prefix}{module} import (\n{indent}    {inner},\n{indent})"
        lines.append(line)
    if comment:
        lines[0] += "  " + comment
    return "\n".join(lines)


_FROM = re.compile(r"^(?P<indent>[ \t]*)from (?P<prefix>d2lite\.|\.)(?P<module>[A-Za-z_][\w.]*)"
                   r" import (?P<names>\([^)]*\)|[^\n#]*?)[ \t]*(?P<comment>#[^\n]*)?$", re.M)
_FROM_PACKAGE = re.compile(r"^(?P<indent>[ \t]*)from (?P<prefix>d2lite|\.) import "
                           r"(?P<names>\([^)]*\)|[^\n#]*?)[ \t]*(?P<comment>#[^\n]*)?$", re.M)


def _rewrite_from(match: re.Match, relative_ok: bool) -> str:
    prefix, module = match["prefix"], match["module"]
    if prefix == "." and not relative_ok:
        return match[0]
    if not _old(module):
        return match[0]
    names_text = re.sub(r"#[^\n]*", "", match["names"])
    if module == "figures" and all(entry.split(" as ")[0].strip() in NEW_IN_FIGURES
                                   for entry in _split_names(names_text)):
        return match[0]  # "from d2lite.figures import plots": the new package
    homes = {new_home(module, entry.split(" as ")[0].strip()) for entry in _split_names(names_text)}
    if len(homes) == 1:  # one new home: only the module path changes, the rest stays as written
        start, end = match.span("module")
        whole = match[0]
        offset = match.start()
        return whole[:start - offset] + homes.pop() + whole[end - offset:]
    groups: dict[str, list[str]] = {}
    for entry in _split_names(names_text):
        name = entry.split(" as ")[0].strip()
        groups.setdefault(new_home(module, name), []).append(entry)
    return _import_lines(match["indent"], prefix if prefix == "." else "d2lite.", groups,
                         match["comment"] or "")


def _rewrite_from_package(match: re.Match, relative_ok: bool, old_figures: bool) -> str:
    prefix = match["prefix"]
    if prefix == "." and not relative_ok:
        return match[0]
    entries = _split_names(match["names"])
    # "from d2lite import figures" names the new package unless the file uses the old module's names
    if not any(_old(e.split(" as ")[0].strip()) and (old_figures or e.split(" as ")[0].strip() != "figures")
               for e in entries):
        return match[0]
    groups: dict[str, list[str]] = {}
    for entry in entries:
        name = entry.split(" as ")[0].strip()
        if _old(name) and (old_figures or name != "figures"):
            parent, _, leaf = new_home(name).rpartition(".")
            renamed = leaf if leaf == name else f"{leaf} as {name}"
            if " as " in entry:
                renamed = f"{leaf} as {entry.split(' as ')[1].strip()}"
            groups.setdefault(parent, []).append(renamed)
        else:
            groups.setdefault("", []).append(entry)
    lines = []
    for parent, names in groups.items():
        source = (prefix if not parent else (f"d2lite.{parent}" if prefix == "d2lite" else f".{parent}"))
        lines.append(_import_lines(match["indent"], "", {source: names}, "").replace(
            f"from {source} import", f"from {source} import", 1))
    if match["comment"]:
        lines[0] += "  " + match["comment"]
    return "\n".join(lines)


_IMPORT = re.compile(r"^(?P<indent>[ \t]*)import d2lite\.(?P<module>[A-Za-z_][\w.]*)", re.M)
_DOTTED = re.compile(r"(?<![\w.])d2lite\.(?P<module>[A-Za-z_]\w*(?:\.(?:data|rules|results|plots))?)"
                     r"(?:\.(?P<name>[A-Za-z_]\w*))?")


def _rewrite_dotted(match: re.Match) -> str:
    module, name = match["module"], match["name"]
    if not _old(module):
        return match[0]
    if name is None:
        # A bare d2lite.figures is the new package (the old module's names are rewritten above).
        return match[0] if module == "figures" else f"d2lite.{new_home(module)}"
    if module == "figures" and name in NEW_IN_FIGURES:
        return match[0]
    return f"d2lite.{new_home(module, name)}.{name}"


def rewrite(text: str, relative_ok: bool = False) -> str:
    """Rewrite the old paths in one source text (``relative_ok``: a module directly in d2lite/)."""
    text = _FROM.sub(lambda m: _rewrite_from(m, relative_ok), text)
    old_figures = re.search(r"\bfigures\.(%s)\b" % "|".join(sorted(OLD_FIGURES)), text) is not None
    text = _FROM_PACKAGE.sub(lambda m: _rewrite_from_package(m, relative_ok, old_figures), text)
    text = _IMPORT.sub(lambda m: f"{m['indent']}import d2lite.{new_home(m['module'])}"
                       if _old(m["module"]) else m[0], text)
    # Attribute paths, but not the ones inside an import line already handled above.
    out = []
    for line in text.splitlines(keepends=True):
        if re.match(r"\s*(from|import) ", line):
            out.append(line)
        else:
            out.append(_DOTTED.sub(_rewrite_dotted, line))
    text = "".join(out)
    for old, new in FILE_PATHS.items():
        text = re.sub(rf"(?<![\w/]){re.escape(old)}", new, text)
    return text


def _notebook(path: Path, check: bool) -> bool:
    raw = path.read_text(encoding="utf-8")
    nb = json.loads(raw)
    changed = False
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else source
        new = rewrite(text)
        if new != text:
            changed = True
            cell["source"] = new.splitlines(keepends=True) if isinstance(source, list) else new
    if changed and not check:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                        encoding="utf-8")
    return changed


def _python(path: Path, check: bool) -> bool:
    text = path.read_text(encoding="utf-8")
    if LEAVE in text:
        return False
    new = rewrite(text, relative_ok=path.suffix == ".py" and path.parent.name == "d2lite")
    if new != text and not check:
        path.write_text(new, encoding="utf-8")
    return new != text


def files(paths: list[Path]):
    for path in paths:
        if path.is_file():
            yield path
            continue
        for found in sorted(path.rglob("*")):
            if found.suffix in (".py", ".ipynb", ".md") and not SKIP & set(found.relative_to(path).parts):
                if found.resolve() != Path(__file__).resolve():
                    yield found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="list what would change; write nothing")
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT])
    args = parser.parse_args(argv)
    changed = [path for path in files(args.paths)
               if (_notebook if path.suffix == ".ipynb" else _python)(path, args.check)]
    for path in changed:
        print(("would rewrite " if args.check else "rewrote ") + str(path))
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
