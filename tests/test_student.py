"""The exercises notebook holds no answer, the solutions notebook holds them, and `make student`
(tools/student.py) builds a copy of the collection without any of them."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.tools import load_tool

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = next(iter(sorted(NOTEBOOKS.glob("*-exercises.ipynb"))))
SOLUTIONS = next(iter(sorted(NOTEBOOKS.glob("*-solutions.ipynb"))))


tool = load_tool


def load(path):
    return nbformat.read(path, as_version=4)


def outputs_text(cell):
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", "") or output.get("data", {}).get("text/plain", ""))
    return "".join("".join(p) if isinstance(p, list) else p for p in parts)


# ---------------------------------------------------------------- the exercises notebook


def test_exercises_notebook_holds_no_worked_answer_and_no_correct():
    nb = load(EXERCISES)
    assert tool("solutions_last").problems(nb) == []
    checks = [c for c in nb.cells if c.cell_type == "code" and "d2lite.exercises." in c.source]
    assert len(checks) == 9  # six answer checks and three proof self-checks
    for cell in checks:
        text = outputs_text(cell)
        assert text.startswith("Not answered yet"), (cell.id, text[:80])
        assert "Correct" not in text
    # no worked answer: none of the solutions' cells, proofs or results is in it
    solution_sources = {c.source for c in load(SOLUTIONS).cells
                        if c.cell_type == "code" and c.id not in ("setup",)}
    assert not solution_sources & {c.source for c in nb.cells}


def test_the_three_proofs_have_attempt_hints_rubric_and_self_check():
    nb = load(EXERCISES)
    ids = [c.id for c in nb.cells]
    for n in (1, 3, 4):
        for part in ("attempt", "hints", "rubric", "claim", "claim-check"):
            assert f"exercise-{n}-{part}" in ids, (n, part)
        start = ids.index(f"exercise-{n}-attempt")
        assert ids.index(f"exercise-{n}-hints") > start and ids.index(f"exercise-{n}-rubric") > start
        hints = nb.cells[ids.index(f"exercise-{n}-hints")].source
        # a ladder: 2 or 3 hints, each inside the one before it, so they open one at a time
        count = hints.count("<summary>Hint")
        assert 2 <= count <= 3
        assert hints.index("<summary>Hint 2") < hints.index("</details>")
        rubric = nb.cells[ids.index(f"exercise-{n}-rubric")].source
        # at least three criteria, as a plain list: a task list's checkboxes would be form fields
        # without labels on the site (axe: label, critical)
        assert len(re.findall(r"^- \S", rubric, flags=re.M)) >= 3 and "- [ ]" not in rubric


def test_solutions_notebook_has_every_solution_and_comes_after_the_exercises():
    nb = load(SOLUTIONS)
    assert nb.metadata["d2lite"]["solutions"] is True
    assert SOLUTIONS.name > EXERCISES.name or SOLUTIONS.name.startswith("10")
    anchors = re.findall(r'<a id="(solution-\d)"></a>', "".join(c.source for c in nb.cells))
    assert anchors == [f"solution-{n}" for n in range(1, 7)]
    verdicts = [outputs_text(c) for c in nb.cells if "d2lite.exercises.check_" in c.source]
    assert verdicts and all("Correct" in v for v in verdicts)
    # no folding left over from the old layout: one notebook of answers, open to read
    assert not any(c.metadata.get("jupyter", {}).get("source_hidden") for c in nb.cells)


@pytest.mark.parametrize("path", [SOLUTIONS, NOTEBOOKS / "06-full-matrix.ipynb"])
def test_check_yourself_answers_sit_folded_in_a_tagged_cell_after_their_question(path):
    nb = load(path)
    cells = nb.cells
    answers = [i for i, c in enumerate(cells) if "check-yourself-answer" in c.metadata.get("tags", [])]
    assert len(answers) >= 4
    for i in answers:
        assert cells[i].source.startswith("<details><summary>Answer</summary>")
        assert re.match(r"\*\*\d+\.\*\*", cells[i - 1].source), "the question comes right before"
        assert "<details>" not in cells[i - 1].source
    assert not any("<summary>Answer" in c.source for j, c in enumerate(cells) if j not in answers)


# ---------------------------------------------------------------- make student


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "student.py"), "--out", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return out, result.stdout


def test_student_copy_has_every_notebook_but_the_solutions(student):
    out, log = student
    names = sorted(p.name for p in (out / "notebooks").glob("*.ipynb"))
    expected = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb") if p != SOLUTIONS)
    assert names == expected and SOLUTIONS.name not in names
    assert f"left out {SOLUTIONS.name}" in log
    assert (out / "d2lite" / "exercises.py").is_file()  # the checks still run


def test_student_copy_has_the_contents_page_with_its_links_to_the_notebooks_left(student):
    out, log = student
    copied = (out / "notebooks" / "00-contents.md").read_text(encoding="utf-8")
    stored = (NOTEBOOKS / "00-contents.md").read_text(encoding="utf-8")
    assert SOLUTIONS.name in stored and SOLUTIONS.name not in copied
    assert "00-contents.md: removed" in log
    linked = set(re.findall(r"\]\(([^)#]+\.ipynb)", copied))
    assert linked == {p.name for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb") if p != SOLUTIONS}
    assert all((out / "notebooks" / name).is_file() for name in linked)
    # make lab in the student copy opens the page as a preview, as in the collection
    assert (out / ".jupyter-lab-settings" / "overrides.json").read_text() == \
        (ROOT / ".jupyter-lab-settings" / "overrides.json").read_text()


def test_student_copy_holds_no_answer_and_no_link_to_the_solutions(student):
    out, _ = student
    student_tool = tool("student")
    assert student_tool.leftovers(out / "notebooks") == []
    for path in (out / "notebooks").glob("*.ipynb"):
        for cell in load(path).cells:
            assert "check-yourself-answer" not in cell.metadata.get("tags", [])
            assert SOLUTIONS.name not in cell.source, (path.name, cell.id)
            assert "<summary>Answer" not in cell.source
    # the questions stay; only their answers go
    stored = load(NOTEBOOKS / "06-full-matrix.ipynb")
    copied = load(out / "notebooks" / "06-full-matrix.ipynb")
    questions = [c.id for c in stored.cells if c.id.startswith("check-") and c.id.endswith("question")]
    assert questions and all(q in [c.id for c in copied.cells] for q in questions)
    assert len(copied.cells) == len(stored.cells) - len(questions)


def test_student_strips_untagged_answers_and_links_and_reports_leftovers(tmp_path):
    student_tool = tool("student")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("**1.** Why?\n\n<details><summary>Answer</summary>\n\nBecause.\n\n</details>"),
                nbformat.v4.new_markdown_cell("See [the solutions](10-solutions.ipynb#solution-2) later.")]
    removed = student_tool.strip_notebook(nb, ["10-solutions.ipynb"])
    assert len(removed) == 2
    assert nb.cells[0].source.strip() == "**1.** Why?"
    assert nb.cells[1].source == "See the solutions later."
    # leftovers() notices what a careless copy would leave
    bad = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_markdown_cell("<details><summary>Answer</summary>x</details>")
    cell.metadata["tags"] = ["check-yourself-answer"]
    bad.cells = [cell]
    nbformat.write(bad, tmp_path / "01-x.ipynb")
    assert len(student_tool.leftovers(tmp_path)) == 2
    # the contents page is Markdown: stripped and checked too
    text, removed = student_tool.strip_markdown("10. [Solutions](10-solutions.ipynb): later.",
                                                ["10-solutions.ipynb"])
    assert text == "10. Solutions: later." and removed == ["1 link(s) to the solutions"]
    (tmp_path / "00-contents.md").write_text("[Solutions](10-solutions.ipynb)", encoding="utf-8")
    assert len(student_tool.leftovers(tmp_path)) == 3


def test_makefile_has_a_student_target():
    text = (ROOT / "Makefile").read_text()
    assert re.search(r"^student: .*\n\t\$\(PY\) tools/student.py", text, re.M)
    assert "student" in re.search(r"\.PHONY: ([^\n]*\n[^\n]*)", text).group(1)
