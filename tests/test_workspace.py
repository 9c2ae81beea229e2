"""A learner's working copies: made on first use, never overwritten, refreshed only on request."""
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("workspace", ROOT / "tools" / "workspace.py")
workspace = importlib.util.module_from_spec(spec)
spec.loader.exec_module(workspace)


def notebook(path: Path, text: str) -> Path:
    path.write_text(json.dumps({"cells": [{"source": text}]}))
    return path


@pytest.fixture
def tree(tmp_path):
    stored, copies = tmp_path / "notebooks", tmp_path / "my-notebooks"
    stored.mkdir()
    notebook(stored / "01-one.ipynb", "first version")
    notebook(stored / "02-two.ipynb", "two")
    return stored, copies


def test_sync_copies_what_is_missing_and_never_touches_a_learners_copy(tree):
    stored, copies = tree
    assert workspace.sync(stored, copies) == {"copied": ["01-one.ipynb", "02-two.ipynb"], "behind": []}
    assert (copies / "01-one.ipynb").read_text() == (stored / "01-one.ipynb").read_text()
    notebook(copies / "01-one.ipynb", "the learner's edits")
    assert workspace.sync(stored, copies) == {"copied": [], "behind": []}
    assert "learner's edits" in (copies / "01-one.ipynb").read_text()


def test_an_update_is_reported_not_applied_and_refresh_keeps_the_old_copy(tree):
    stored, copies = tree
    workspace.sync(stored, copies)
    notebook(copies / "01-one.ipynb", "the learner's edits")
    notebook(stored / "01-one.ipynb", "second version")          # what a git pull brings
    assert workspace.sync(stored, copies)["behind"] == ["01-one.ipynb"]
    assert "learner's edits" in (copies / "01-one.ipynb").read_text()

    kept = workspace.refresh("01", stored, copies)
    assert "second version" in (copies / "01-one.ipynb").read_text()
    assert kept is not None and kept.parent == copies / "backup"
    assert "learner's edits" in kept.read_text()
    assert workspace.sync(stored, copies)["behind"] == []
    # a second refresh of an unchanged copy keeps nothing and deletes nothing
    assert workspace.refresh("01-one", stored, copies) is None
    assert len(list((copies / "backup").iterdir())) == 1


def test_deleting_a_copy_brings_the_stored_version_back(tree):
    stored, copies = tree
    workspace.sync(stored, copies)
    (copies / "02-two.ipynb").unlink()
    assert workspace.sync(stored, copies)["copied"] == ["02-two.ipynb"]


def test_refresh_names_the_accepted_values_when_the_name_is_unclear(tree):
    stored, copies = tree
    with pytest.raises(SystemExit, match="01-one, 02-two"):
        workspace.refresh("0", stored, copies)
    with pytest.raises(SystemExit, match="matches 0"):
        workspace.refresh("09", stored, copies)


def test_the_working_copies_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "my-notebooks/" in ignored
