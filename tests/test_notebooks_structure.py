"""Checks on the stored notebooks that nbval does not make: navigation, metadata, clean outputs."""
import json
import re
from pathlib import Path

import nbformat
import pytest

from tests.tools import load_tool

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
CHAPTERS = [p for p in NOTEBOOKS if not p.name.startswith("00-")]
CONTENTS = ROOT / "notebooks" / "00-contents.md"  # Markdown, not a notebook: nbval never sees it
SETUP_MARK = "# Setup: make the d2lite helpers importable"


def load(path):
    return nbformat.read(path, as_version=4)


def test_the_chapters_are_numbered_from_01_without_gaps_and_the_contents_lists_each():
    numbers = [int(p.name[:2]) for p in CHAPTERS]
    assert numbers and numbers == list(range(1, len(numbers) + 1)), [p.name for p in CHAPTERS]
    contents = CONTENTS.read_text(encoding="utf-8")
    assert not [p.name for p in CHAPTERS if f"]({p.name})" not in contents], "00-contents misses a chapter"


def test_the_contents_page_is_markdown_so_opening_it_starts_no_kernel():
    """No notebook for the contents: JupyterLab starts a kernel for every notebook it opens."""
    assert not [p.name for p in NOTEBOOKS if p.name.startswith("00-")], "a contents notebook is back"
    text = CONTENTS.read_text(encoding="utf-8")
    assert text.startswith("# ") and "```" not in text, "the contents page holds code"
    nav = _tool("nav")
    assert [cell.id for cell in nav.contents_notebook(text).cells] == \
        ["contents", "lecture", "self-study", "references"]


def test_the_contents_page_is_what_tools_nav_writes():
    """Stale contents (a notebook renamed, a summary changed) fail here: run `python tools/nav.py`."""
    assert CONTENTS.read_text(encoding="utf-8") == _tool("nav").contents_text(), \
        "notebooks/00-contents.md is stale; run `python tools/nav.py`"


def test_the_solutions_line_gives_its_advice_once():
    contents = CONTENTS.read_text(encoding="utf-8")
    line = next(line for line in contents.splitlines() if re.match(r"\d+\. \[[^\]]*\]\([^)]*solutions", line))
    assert len(re.findall(r"after trying", line, re.I)) == 1, line
    nav = _tool("nav")
    cells = nav.contents_cells([("10-solutions.ipynb", "10 · S", "Worked; open it after trying")], [45],
                               [False], [True])
    assert "Worked. *Open it after trying the exercises.* (about 45 minutes)" in cells[0].source


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebook_is_stored_executed_top_to_bottom_without_errors_or_warnings(path):
    nb = load(path)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata.get("d2lite", {}).get("summary"), "no one-line summary in metadata.d2lite"
    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), "not one fresh top-to-bottom run"
    for cell in code:
        for out in cell.outputs:
            assert out.output_type != "error", f"stored error in cell {cell.source[:60]!r}"
            text = out.get("text", "") + json.dumps(out.get("data", {}).get("text/plain", ""))
            assert not (out.get("name") == "stderr" and "Warning" in text), f"warning: {text[:200]}"
            assert "/work/" not in text and "/root/" not in text and "/tmp/" not in text, \
                f"an output shows a path of the machine: {text[:200]}"
            assert not re.search(r"interactive\(children=", text), "a bare interactive(...) repr"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebook_file_stays_under_2_mb_so_github_and_a_phone_load_it(path):
    size = path.stat().st_size
    assert size < 2_000_000, f"{path.name} is {size / 1e6:.2f} MB; figures go through d2lite.style.figure_to_png"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_a_stream_is_stored_whole_not_in_pieces_that_depend_on_flush_timing(path):
    for cell in load(path).cells:
        outputs = cell.get("outputs", [])
        split = [(a.name, b.name) for a, b in zip(outputs, outputs[1:])
                 if a.output_type == b.output_type == "stream" and a.name == b.name]
        assert not split, f"cell {cell.get('id')}: {split[0][0]} stored in pieces; run tools/execute.py"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebook_starts_with_title_then_setup_cell(path):
    cells = body(path)
    assert cells[0].cell_type == "markdown" and re.search(r"^# \S", cells[0].source, re.M)
    assert cells[1].cell_type == "code" and cells[1].source.startswith(SETUP_MARK)


def body(path):
    return [c for c in load(path).cells if "nav" not in c.metadata.get("tags", [])]


def test_setup_cells_are_identical_everywhere():
    assert len({body(p)[1].source for p in CHAPTERS}) == 1


_tool = load_tool


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_setup_cell_is_the_one_tools_nav_writes(path):
    tools = _tool("notebook_tools")
    setup = [c for c in load(path).cells if tools.is_setup_cell(c)]
    assert len(setup) == 1, f"{path.name}: one set-up cell expected, found {len(setup)}"
    assert setup[0].source == tools.SETUP_SOURCE and tools.SETUP_TAG in setup[0].metadata.tags, \
        f"{path.name}: the set-up cell is stale; run `python tools/nav.py`, then re-execute"


def test_navigation_is_up_to_date_and_every_link_resolves():
    nav = _tool("nav")
    names = [p.name for p in CHAPTERS]
    for i, path in enumerate(CHAPTERS):
        cells = load(path).cells
        top, bottom = cells[0], cells[-1]
        assert "nav" in top.metadata.get("tags", []) and "nav" in bottom.metadata.get("tags", []), \
            f"{path.name}: run `python tools/nav.py`"
        links = re.findall(r"\]\(([^)]+)\)", top.source)
        expected = ([names[i - 1]] if i else []) + [CONTENTS.name] + \
            ([names[i + 1]] if i + 1 < len(names) else [])
        assert links == expected, f"{path.name}: navigation is stale; run `python tools/nav.py`"
        assert bottom.source == top.source
    contents_cells = nav.contents_notebook(CONTENTS.read_text(encoding="utf-8")).cells
    contents = contents_cells[0].source
    assert re.findall(r"\]\(([^)]+\.ipynb)\)", contents) == names
    for cell in contents_cells:  # the lecture path links to notebooks too: every link must resolve
        for link in re.findall(r"\]\((?![a-z]+:)([^)#]+)(?:#[^)]*)?\)", cell.source):
            assert (ROOT / "notebooks" / link).exists(), f"the contents page links to a missing {link}"
    for path in CHAPTERS:
        minutes = load(path).metadata.get("d2lite", {}).get("minutes")
        assert isinstance(minutes, int) and minutes > 0, \
            f"{path.name}: no time to work through it in metadata.d2lite.minutes"
        line = next(line for line in contents.splitlines() if f"({path.name}): " in line)
        assert line.endswith(f"(about {minutes} minutes)"), f"{path.name}: stale time; run `python tools/nav.py`"
    for link in re.findall(r"\]\((notebooks/[^)]+)\)", (ROOT / "README.md").read_text()):
        assert (ROOT / link).exists(), f"README links to a missing {link}"
    assert nav.START in (ROOT / "README.md").read_text()


# A number in e-notation of 1e-11 or less is rounding noise: its digits change with the CPU's
# BLAS kernels. A checked cell prints a bound ("below 1e-12") instead.
NOISE = re.compile(r"(?<!below )(?<!within )(?<!under )(?<!to )(?<!< )(?<!<= )"
                   r"\b\d(\.\d+)?e-(1[1-9]|[2-9]\d)\b")
WALL_CLOCK = re.compile(r"\d\s*(sec/epoch|seconds?\b|s\b(?! of)|ms\b)", re.I)


def text_outputs(cell):
    for out in cell.get("outputs", []):
        yield out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_checked_outputs_print_no_rounding_noise(path):
    for cell in load(path).cells:
        if cell.cell_type == "code" and "NBVAL_CHECK_OUTPUT" in cell.source:
            for text in text_outputs(cell):
                assert not NOISE.search(text), \
                    f"{path.name}: a checked output prints rounding noise: {text[:300]!r}"


def test_the_noise_rule_catches_noise_and_lets_bounds_through():
    assert NOISE.search("largest entry: 6.7e-16") and NOISE.search("best f = 5.2e-21")
    assert not NOISE.search("largest entry: below 1e-12")
    assert not NOISE.search("every point within 1e-12 of notebook 03's: True")
    assert not NOISE.search("gap 3.8e-07") and not NOISE.search("w2 3.16e-05")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_stored_outputs_hold_no_live_timing(path):
    """Seconds measured while the notebook ran change on every run: they are not stored.

    Notebook 08 shows timings read from the stored benchmark results, which do not change."""
    for cell in load(path).cells:
        if cell.cell_type != "code" or "benchmarks" in cell.source or "items[" in cell.source:
            continue
        if "perf_counter" in cell.source or "process_time" in cell.source or "train_" in cell.source:
            for text in text_outputs(cell):
                assert not WALL_CLOCK.search(text), \
                    f"{path.name}: a stored output shows a live timing: {text[:300]!r}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_live_timing_cells_store_no_output_and_are_not_compared(path):
    """A cell that times the reader's machine runs under nbval but keeps no stored output."""
    for cell in load(path).cells:
        tags = cell.metadata.get("tags", [])
        if "live-timing" in tags:
            assert cell.outputs == [], f"{path.name}: a live-timing cell stores its output"
            assert "nbval-ignore-output" in tags, f"{path.name}: nbval would compare a timing"
        elif cell.cell_type == "code" and ("perf_counter" in cell.source or "process_time" in cell.source):
            assert "print" not in cell.source, \
                f"{path.name}: a cell prints a live timing without the live-timing tag"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_check_yourself_answers_are_folded_in_cells_of_their_own(path):
    """Each "Check yourself" answer is a folded cell of its own, tagged (make student removes it),
    right after its question: never inside the question's cell."""
    cells = load(path).cells
    for i, cell in enumerate(cells):
        answers = cell.source.count("<summary>Answer</summary>")
        tagged = "check-yourself-answer" in cell.metadata.get("tags", [])
        if not (answers or tagged):
            continue
        assert tagged and answers == 1, f"{path.name} cell {i}: an answer shares a cell or is untagged"
        assert cell.source.lstrip().startswith("<details>") and cell.source.rstrip().endswith("</details>")
        question = cells[i - 1]
        assert question.cell_type == "markdown" and "<details>" not in question.source and \
            re.search(r"\*\*\d+\.\*\*", question.source), f"{path.name} cell {i}: no question before it"
