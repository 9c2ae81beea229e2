"""A learner's working copies: made on first use, never overwritten, refreshed only on request."""
from pathlib import Path

import pytest

from tests.tools import load_tool

ROOT = Path(__file__).resolve().parents[1]
workspace = load_tool("workspace")


def notebook(path: Path, text: str) -> Path:
    import nbformat
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)]), path)
    return path


@pytest.fixture(autouse=True)
def own_signatures(tmp_path, monkeypatch):
    """Copies are signed as trusted: keep the signatures away from the user's own database."""
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter-data"))


@pytest.fixture
def tree(tmp_path):
    stored, copies = tmp_path / "notebooks", tmp_path / "my-notebooks"
    stored.mkdir()
    notebook(stored / "01-one.ipynb", "first version")
    notebook(stored / "02-two.ipynb", "two")
    return stored, copies


def test_sync_copies_what_is_missing_and_never_touches_a_learners_copy(tree):
    stored, copies = tree
    assert workspace.sync(stored, copies) == {"copied": ["01-one.ipynb", "02-two.ipynb"], "behind": [],
                                              "unknown": [], "notes": []}
    assert (copies / "01-one.ipynb").read_text() == (stored / "01-one.ipynb").read_text()
    notebook(copies / "01-one.ipynb", "the learner's edits")
    assert workspace.sync(stored, copies) == {"copied": [], "behind": [], "unknown": [], "notes": []}
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


def test_fresh_copies_are_signed_as_trusted_and_a_learners_edit_is_not_re_signed(tree):
    import nbformat
    from nbformat.sign import NotebookNotary
    stored, copies = tree
    workspace.sync(stored, copies)
    notary = NotebookNotary()
    assert notary.check_signature(nbformat.read(copies / "01-one.ipynb", as_version=4))
    edited = nbformat.read(copies / "01-one.ipynb", as_version=4)
    edited.cells[0].outputs = [nbformat.v4.new_output("display_data", {"text/html": "<script>1</script>"})]
    nbformat.write(edited, copies / "01-one.ipynb")
    workspace.sync(stored, copies)
    assert not notary.check_signature(nbformat.read(copies / "01-one.ipynb", as_version=4))


# ---- faults: every one simulated for real (processes, kills, a full disk, a read-only folder) ----
import functools
import json
import tempfile
import os
import subprocess
import sys

SCRIPT = ROOT / "tools" / "workspace.py"


@functools.lru_cache(maxsize=None)
def without_jupyter():
    """Environment for a child process in which nbformat cannot be imported, the supported path
    "run without Jupyter installed" (copies stay unsigned). The faults tested in a process of
    their own concern files, not signatures, and this saves nbformat's 4 s import per process."""
    folder = Path(tempfile.mkdtemp(prefix="no-jupyter-"))
    (folder / "nbformat").mkdir(parents=True, exist_ok=True)
    (folder / "nbformat" / "__init__.py").write_text('raise ImportError("no Jupyter here")\n')
    return (("PYTHONPATH", str(folder)),)


def run(stored, copies, *args, env=None, check=True):
    """The command-line tool in its own process, as `make lab` / `make refresh` run it."""
    done = subprocess.run([sys.executable, str(SCRIPT), *args, "--into", str(copies),
                           "--stored", str(stored)], capture_output=True, text=True,
                          env={**os.environ, **dict(without_jupyter()), **(env or {})}, timeout=60)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def cli(stored, copies, *args):
    """The command-line tool in this process (what it prints and returns), for the faults that
    need no process of their own."""
    import contextlib
    import io
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = workspace.main([*args, "--into", str(copies), "--stored", str(stored)])
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def edited(tree):
    """A synced tree whose copy of 01 holds the learner's edit and whose stored 01 moved on."""
    stored, copies = tree
    workspace.sync(stored, copies)
    notebook(copies / "01-one.ipynb", "the learner's edits")
    notebook(stored / "01-one.ipynb", "second version")
    return stored, copies


def places_with_the_edit(copies):
    return sorted(p.relative_to(copies).as_posix() for p in copies.rglob("*.ipynb")
                  if "learner's edits" in p.read_text())


def test_two_refreshes_racing_keep_the_edit_in_one_backup_each_its_own_name(tree):
    """The data loss of issue 23: the second refresh paused between naming the backup and moving."""
    stored, copies = edited(tree)
    slow = {"D2LITE_WORKSPACE_PAUSE_AT": "before-backup=0.5"}
    procs = [subprocess.Popen([sys.executable, str(SCRIPT), "refresh", "01", "--into", str(copies),
                               "--stored", str(stored)], env={**os.environ, **dict(without_jupyter()), **slow},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert places_with_the_edit(copies) and all(
        p.startswith("backup/") for p in places_with_the_edit(copies))
    assert "second version" in (copies / "01-one.ipynb").read_text()
    assert sum("your previous copy is" in out for out, _ in outs) == 1


def test_backup_names_are_created_exclusively_never_overwriting(tmp_path):
    wanted = tmp_path / "03-x.20260101-000000.ipynb"
    made = [workspace.create_exclusive(wanted, f"version {i}".encode()) for i in range(3)]
    assert [p.name for p in made] == ["03-x.20260101-000000.ipynb", "03-x.20260101-000000-1.ipynb",
                                      "03-x.20260101-000000-2.ipynb"]
    assert [p.read_text() for p in made] == ["version 0", "version 1", "version 2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in made)  # no temp left


REFRESH_STEPS = ["locked", "before-backup", "half-written 01-one.2", "backed-up",
                 "half-written .refresh.json", "journal-written", "half-written 01-one.ipynb",
                 "copied", "half-written .origin.json", "origins-saved"]


@pytest.mark.parametrize("step", REFRESH_STEPS)
def test_a_refresh_killed_at_any_step_loses_nothing_and_lab_says_where_the_edit_is(tree, step):
    stored, copies = edited(tree)
    killed = run(stored, copies, "refresh", "01", env={"D2LITE_WORKSPACE_KILL_AT": step}, check=False)
    assert killed.returncode == 137, (step, killed.stderr)
    assert places_with_the_edit(copies), f"killed at {step}: the learner's edit is gone"
    for path in copies.rglob("*.ipynb"):             # every notebook is whole
        json.loads(path.read_text())
    json.loads((copies / ".origin.json").read_text())
    notes = workspace.sync(stored, copies)["notes"]   # what `make lab` runs next
    where = places_with_the_edit(copies)
    if (copies / "backup").exists() and "01-one.ipynb" not in where:
        assert any(where[0] in note for note in notes), (step, notes)  # says where the edit is
    assert not list(copies.rglob(".d2lite-tmp*")) and not (copies / ".refresh.json").exists()
    workspace.refresh("01", stored, copies)           # and a refresh then completes
    assert "second version" in (copies / "01-one.ipynb").read_text()
    assert any(p.startswith("backup/") for p in places_with_the_edit(copies))


@pytest.mark.parametrize("step", ["locked", "half-written 01-one.ipynb", "half-written 02-two.ipynb",
                                  "half-written .origin.json"])
def test_a_first_sync_killed_at_any_step_is_completed_by_the_next(tree, step):
    stored, copies = tree
    assert run(stored, copies, "sync", env={"D2LITE_WORKSPACE_KILL_AT": step},
               check=False).returncode == 137
    workspace.sync(stored, copies)
    for name in ("01-one.ipynb", "02-two.ipynb"):
        assert (copies / name).read_bytes() == (stored / name).read_bytes()
    assert set(json.loads((copies / ".origin.json").read_text())) == {"01-one.ipynb", "02-two.ipynb"}


@pytest.mark.parametrize("content", [b"", b"{\"01-one.ipynb\": ", b"\xff\xfe", b"[1, 2]",
                                     b"{\"01-one.ipynb\": 3}"])
def test_a_corrupt_origin_record_is_reported_and_rebuilt_not_fatal(edited_only_copy, content):
    stored, copies = edited_only_copy
    (copies / ".origin.json").write_bytes(content)
    report = workspace.sync(stored, copies)
    assert any(".origin.json" in note and "rebuilt" in note for note in report["notes"])
    assert report["unknown"] == ["01-one.ipynb"] and report["behind"] == []
    assert json.loads((copies / ".origin.json").read_text()) == {
        "02-two.ipynb": workspace._digest(stored / "02-two.ipynb")}
    assert "learner's edits" in (copies / "01-one.ipynb").read_text()
    assert workspace.sync(stored, copies)["notes"] == []        # repaired: quiet from now on


@pytest.fixture
def edited_only_copy(tree):
    stored, copies = tree
    workspace.sync(stored, copies)
    notebook(copies / "01-one.ipynb", "the learner's edits")
    return stored, copies


def test_a_cut_short_working_copy_is_reported_with_its_last_backup(tree):
    stored, copies = edited(tree)
    workspace.refresh("01", stored, copies)
    (copies / "01-one.ipynb").write_text('{"cells": [')            # e.g. written by another tool
    notes = workspace.sync(stored, copies)["notes"]
    assert any("not a readable notebook" in n and "backup/01-one." in n for n in notes), notes


def test_writes_go_through_a_temporary_file_and_a_full_disk_changes_nothing(tree, monkeypatch):
    stored, copies = edited(tree)
    before = {p: p.read_bytes() for p in copies.rglob("*") if p.is_file()}
    real_fsync = os.fsync

    def full(fd):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(workspace.os, "fsync", full)
    with pytest.raises(workspace.WorkspaceError, match="No space left.*your copy .* is as it was"):
        workspace.refresh("01", stored, copies)
    monkeypatch.setattr(workspace.os, "fsync", real_fsync)
    after = {p: p.read_bytes() for p in copies.rglob("*") if p.is_file() and p.name != ".lock"}
    assert after == {p: b for p, b in before.items() if p.name != ".lock"}


def mount_tmpfs(path, size):
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True)
    if done.returncode:
        pytest.skip("a small tmpfs needs root (mount); the monkeypatched full disk runs anyway")


def test_a_real_full_disk_stops_the_refresh_with_a_message_and_loses_nothing(tmp_path):
    stored, copies = tmp_path / "notebooks", tmp_path / "my-notebooks"
    stored.mkdir()
    mount_tmpfs(copies, "64k")
    try:
        notebook(stored / "01-one.ipynb", "x" * 40_000)
        cli(stored, copies, "sync")
        notebook(copies / "01-one.ipynb", "the learner's edits " + "y" * 40_000)
        notebook(stored / "01-one.ipynb", "second version " + "z" * 10_000)
        done = cli(stored, copies, "refresh", "01")
        assert done.returncode == 1 and "No space left on device" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
        assert "learner's edits" in (copies / "01-one.ipynb").read_text()
        assert not list(copies.rglob(".d2lite-tmp*"))
        json.loads((copies / ".origin.json").read_text())
    finally:
        subprocess.run(["umount", str(copies)], check=True)


@pytest.fixture
def read_only(tmp_path):
    """Make a folder read-only for real: chmod for a user, a read-only tmpfs for root."""
    def make(folder):
        if os.geteuid() != 0:
            for p in [folder, *folder.rglob("*")]:
                p.chmod(0o555 if p.is_dir() else 0o444)
            return
        done = subprocess.run(["mount", "-o", "remount,ro", str(folder)], capture_output=True)
        assert done.returncode == 0, done.stderr
    return make


def test_a_read_only_folder_does_not_stop_make_lab(tmp_path, read_only):
    stored, copies = tmp_path / "notebooks", tmp_path / "my-notebooks"
    stored.mkdir()
    notebook(stored / "01-one.ipynb", "one")
    if os.geteuid() == 0:
        mount_tmpfs(copies, "1m")
    try:
        cli(stored, copies, "sync")
        read_only(copies)
        assert not os.access(copies, os.W_OK) or os.geteuid() == 0
        with pytest.raises(OSError):
            (copies / "probe").write_text("x")
        again = cli(stored, copies, "sync")             # nothing changed: nothing written, exit 0
        assert again.stderr == "" and again.stdout == ""
        notebook(stored / "02-two.ipynb", "a new notebook")   # something to write: said, not fatal
        third = cli(stored, copies, "sync")
        assert "could not copy 02-two.ipynb" in third.stderr
        refused = cli(stored, copies, "refresh", "01")
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(copies)], check=True)
        else:
            copies.chmod(0o755)


def test_an_unwritable_origin_record_is_reported_not_fatal(tree):
    stored, copies = tree
    copies.mkdir()
    (copies / ".origin.json").mkdir()          # a folder where the record goes: cannot be replaced
    report = workspace.sync(stored, copies)
    assert report["copied"] == ["01-one.ipynb", "02-two.ipynb"]
    assert any("could not write" in n and ".origin.json" in n for n in report["notes"]), report
    assert any("could not be read" in n for n in report["notes"])
