"""Settings 3 and 4: the static site of ``make html`` from ``file://``, with and without JavaScript.

The site is rendered by ``tools/render_html.py`` (as ``make html`` does) into a temporary folder,
from the collection's stored notebooks and from fixture notebooks (every explorer at its
defaults, and a page of explorers whose config is broken).  Every request that is not ``file:`` is blocked and
recorded; none may be attempted.

* Setting 3 (scripts on): every explorer mounts (``data-status="live"``) and every slider moves
  (``explorers.py``), with no server and no network.
* Setting 4 (``java_script_enabled=False``): every explorer shows its still (visible, loaded,
  non-zero size) and a one-line caption, never a blank.
* A broken explorer shows its still and a one-line reason (``data-status="failed"``).
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from .conftest import (OUT, explorer_notebooks, make_page_explorer, page_explorer_factories, record,
                       stored_explorers)
from .explorers import PageErrors, exercise_within_frame, explorers_on
from .stills import assert_still, containers, open_folds, wait_images

pytestmark = pytest.mark.e2e
LOCAL = ("file:", "data:", "blob:", "about:")


def broken_html() -> list[str]:
    """Real explorers that must not mount: one whose config is not JSON (cut short), one whose
    config names a kind that does not exist."""
    real = make_page_explorer(page_explorer_factories()[0]).html()
    kind = real.split('data-kind="')[1].split('"')[0]
    config = real.index('"kind":"', real.index('class="d2lite-config"'))
    cut = real[:config] + real[config:].replace("}", "", 1)  # a slider's object left open
    broken = [cut, real.replace(f'"kind":"{kind}"', '"kind":"no-such-kind"', 1)]
    assert real not in broken, "could not plant the defects in the real explorer's config"
    return broken


def broken_notebook(path: Path) -> Path:
    """A notebook whose stored outputs are the deliberately broken explorers of ``broken_html``."""
    cell = nbformat.v4.new_code_cell("# the stored outputs below are deliberately broken explorers")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html, "text/plain": "explorer"})
                    for html in broken_html()]
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Broken"), cell]), path)
    return path


# the sites (fixture_site, collection_site) are session fixtures of conftest.py, shared with
# test_a11y.py


def offline_page(new_context, javascript: bool = True):
    """A page (from pytest-playwright's ``new_context``) that may load ``file:`` URLs only; every
    other request is aborted and recorded."""
    context = new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    attempted: list[str] = []

    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(LOCAL)
                  else route.abort())
    context.on("request", lambda r: None if r.url.startswith(LOCAL) else attempted.append(r.url))
    page = context.new_page()
    return page, attempted


def pages() -> list:
    cases = [pytest.param("fixture", "01-page_explorers.html", len(page_explorer_factories()),
                          id="every-kind")]
    cases += [pytest.param("collection", f"{p.stem}.html", stored_explorers(p), id=p.stem)
              for p in explorer_notebooks()]
    return cases


def site_for(which: str, request) -> Path:
    return request.getfixturevalue(f"{which}_site")


@pytest.mark.timeout(300)
@pytest.mark.parametrize("which, name, expected", pages())
def test_setting3_static_site_from_file_moves(which, name, expected, new_context, request):
    page, attempted = offline_page(new_context)
    errors = PageErrors(page)
    page.goto((site_for(which, request) / name).as_uri(), wait_until="load")
    open_folds(page)
    page.wait_for_function("(n) => document.querySelectorAll('.d2lite-explorer[data-status]').length"
                           " >= n", arg=expected, timeout=15_000)
    statuses = [box["status"] for box in containers(page)]
    assert statuses == ["live"] * expected, f"{name}: explorer statuses {statuses}"
    assert len(explorers_on(page)) == expected
    for i in range(expected):
        exercise_within_frame(page, i, errors, "3 file://", name, record)
    page.screenshot(path=str(OUT / f"3-{Path(name).stem}.png"), full_page=True)
    assert not errors.messages, f"{name}: errors in the page: {errors.messages}"
    assert not attempted, f"{name}: requests beyond file:// were attempted: {attempted}"


@pytest.mark.timeout(120)
@pytest.mark.parametrize("which, name, expected", pages())
def test_setting4_no_javascript_shows_stills(which, name, expected, new_context, request):
    page, attempted = offline_page(new_context, javascript=False)
    page.goto((site_for(which, request) / name).as_uri(), wait_until="load")
    open_folds(page)
    wait_images(page)
    boxes = containers(page)
    assert len(boxes) == expected, f"{name}: {len(boxes)} explorers, stored {expected}"
    for i, box in enumerate(boxes):
        assert_still(box, f"{name} without JavaScript, explorer {i}")
    page.screenshot(path=str(OUT / f"4-{Path(name).stem}.png"), full_page=True)
    assert not attempted, f"{name}: requests beyond file:// were attempted: {attempted}"


@pytest.mark.timeout(120)
@pytest.mark.parametrize("javascript", [True, False], ids=["scripts", "no-scripts"])
def test_broken_explorer_shows_still_and_reason(javascript, new_context, fixture_site):
    page, attempted = offline_page(new_context, javascript=javascript)
    page.goto((fixture_site / "90-broken.html").as_uri(), wait_until="load")
    wait_images(page)
    expected = len(broken_html())
    if javascript:
        page.wait_for_function("(n) => document.querySelectorAll('.d2lite-explorer[data-status]')"
                               ".length >= n", arg=expected, timeout=15_000)
    boxes = containers(page)
    assert len(boxes) == expected
    for i, box in enumerate(boxes):
        assert_still(box, f"broken explorer {i}", failed=javascript)
        with pytest.raises(AssertionError, match="not 'failed'|the script ran"):
            assert_still(box, f"broken explorer {i}", failed=not javascript)
    if javascript:
        assert explorers_on(page) == []
    page.screenshot(path=str(OUT / f"broken-{'js' if javascript else 'nojs'}.png"), full_page=True)
    assert not attempted
