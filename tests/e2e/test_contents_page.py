"""The contents page opens in JupyterLab as a page, with no kernel, and its links work both ways.

The page has no code, so it is a Markdown file (``notebooks/00-contents.md``, written by
``tools/nav.py``): JupyterLab starts a kernel for every *notebook* it opens, whatever the notebook
holds.  ``make lab`` (and this test's Lab, ``lab-settings/overrides.json``) makes the Markdown
Preview the viewer of ``.md`` files.  Checked here, in a real JupyterLab:

* opened from its address (``make lab``'s landing page), the page shows rendered, lecture plan
  included, and no kernel and no session exists after it has settled, nor a dialog;
* a link on it opens its notebook, and that notebook does get a kernel (so the session check of
  the first test can fail: it sees a kernel when one is started);
* a notebook's navigation link "Contents" opens the page as a preview again, and no kernel is
  started for it.
"""
from __future__ import annotations

import re
import shutil
import sys
import time
import urllib.error
from pathlib import Path

import pytest

from .lab import make_lab_root, start_lab

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
CONTENTS = NOTEBOOKS / "00-contents.md"
SETTLE_S = 5.0  # a kernel Lab starts on opening is asked for within a second or two
PREVIEW = ".jp-MarkdownViewer .jp-RenderedMarkdown"
CURRENT_JS = """() => { const w = window.jupyterapp.shell.currentWidget;
  return w && w.context ? {path: w.context.path,
    preview: w.node.matches('.jp-MarkdownViewer') || !!w.node.querySelector('.jp-MarkdownViewer')}
    : null; }"""


def _nav():
    sys.path.insert(0, str(REPO / "tools"))
    try:
        import nav
    finally:
        sys.path.pop(0)
    return nav


def smallest_chapter() -> Path:
    """The chapter that is quickest to open in the browser (fewest bytes of stored output)."""
    return min(_nav().chapter_notebooks(), key=lambda p: p.stat().st_size)


def chapter_label(path: Path) -> str:
    """The text of ``path``'s link in the contents page's list (``NN · Title``)."""
    match = re.search(r"^\d+\. \[([^\]]+)\]\(" + re.escape(path.name) + r"\)",
                      CONTENTS.read_text(encoding="utf-8"), re.M)
    assert match, f"the contents page does not list {path.name}"
    return match.group(1)


@pytest.fixture(scope="module")
def contents_lab(chromium_path, tmp_path_factory):
    base = tmp_path_factory.mktemp("contents-lab")
    root = make_lab_root(base, [smallest_chapter()], [])
    page = root / "notebooks" / CONTENTS.name
    if page.is_symlink() or page.exists():  # a copy of its own, not a link into the checkout
        page.unlink()
    shutil.copy2(CONTENTS, page)
    server = start_lab(base, root)
    try:
        yield server
    finally:
        server.stop()


def get(server, path: str, tries: int = 5):
    """``GET path`` of the server's API.  jupyter_server answers 500 to a listing asked for while
    a kernel is being started (its model has no ``last_activity`` yet): ask again."""
    for attempt in range(tries):
        try:
            return server.api("GET", path)
        except urllib.error.HTTPError as error:
            if error.code != 500 or attempt == tries - 1:
                raise
            time.sleep(0.5)


def sessions(server) -> list[str]:
    """The paths of the notebooks that have a session, and a marker for each kernel without one."""
    paths = [s.get("path") or s.get("notebook", {}).get("path") for s in get(server, "/api/sessions")]
    kernels = get(server, "/api/kernels")
    return sorted(paths) + ["<kernel without session>"] * max(0, len(kernels) - len(paths))


def wait_for(predicate, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        assert time.monotonic() < deadline, f"{what} within {timeout:.0f} s"
        time.sleep(0.5)
    return result


def open_lab(browser, server, name: str):
    server.shutdown_kernels()
    page = browser.new_page()
    page.goto(f"{server.url}/lab/tree/{name}?reset&token={server.token}", wait_until="domcontentloaded")
    return page


def wait_for_contents(page, timeout_ms: int = 90_000) -> None:
    """Wait until Lab shows the contents page in some viewer, then check it is the preview (the
    editor, or a notebook, fails here at once rather than at the end of a timeout)."""
    page.wait_for_function("() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                           " return w && w.context && w.context.path.endsWith('.md')"
                           " && w.node.querySelector('.jp-RenderedMarkdown h2, .jp-FileEditor .cm-content'); }",
                           timeout=timeout_ms)
    current = page.evaluate(CURRENT_JS)
    assert current == {"path": CONTENTS.name, "preview": True}, \
        f"the contents page is not shown in the Markdown Preview: {current}"
    page.locator(f"{PREVIEW} h2", has_text="A 50-minute lecture").wait_for(timeout=timeout_ms)


def lecture_titles() -> list[str]:
    lecture = next(c.source for c in _nav().contents_notebook().cells if c.id == "lecture")
    return re.findall(r"\*\*\[([^\]]+)\]\(", lecture)


def test_contents_opens_as_a_preview_with_no_kernel_and_shows_the_lecture_plan(browser, contents_lab):
    page = open_lab(browser, contents_lab, CONTENTS.name)
    try:
        wait_for_contents(page)
        page.wait_for_timeout(SETTLE_S * 1000)
        assert sessions(contents_lab) == [], "opening the contents page started a kernel"
        assert page.locator(".jp-Dialog").count() == 0
        assert page.locator(".jp-NotebookPanel, .jp-FileEditor").count() == 0
        shown = page.locator(PREVIEW).inner_text()
        titles = lecture_titles()
        assert len(titles) >= 4, titles
        assert [t for t in titles if t not in shown] == [], "the lecture plan is not shown"
        assert shown.count("Stop for a question") == len(titles)
        assert "Written by tools/nav.py" not in shown  # the generator's note is a comment
        for heading in ("Self-study path", "References"):
            assert page.locator(f"{PREVIEW} h2", has_text=heading).count() == 1
    finally:
        page.close()


def test_a_link_on_the_contents_page_opens_its_notebook_with_a_kernel(browser, contents_lab):
    chapter = smallest_chapter()
    page = open_lab(browser, contents_lab, CONTENTS.name)
    try:
        wait_for_contents(page)
        page.locator(PREVIEW).get_by_role("link", name=chapter_label(chapter), exact=True).click()
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
        assert wait_for(lambda: sessions(contents_lab) == [chapter.name],
                        f"no kernel session for {chapter.name}")
        assert page.evaluate(CURRENT_JS)["path"] == chapter.name
    finally:
        page.close()


def test_a_notebooks_contents_link_opens_the_page_as_a_preview_with_no_kernel(browser, contents_lab):
    chapter = smallest_chapter()
    page = open_lab(browser, contents_lab, chapter.name)
    try:
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
        wait_for(lambda: sessions(contents_lab) == [chapter.name], f"no kernel session for {chapter.name}")
        nav = page.locator(".jp-NotebookPanel .jp-MarkdownCell").first
        nav.get_by_role("link", name="Contents", exact=True).click()
        wait_for_contents(page, 60_000)
        page.wait_for_timeout(SETTLE_S * 1000)
        assert sessions(contents_lab) == [chapter.name], "the contents page got a kernel of its own"
    finally:
        page.close()
