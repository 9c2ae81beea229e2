"""Working copies of the notebooks, so that a learner's edits never get in the way of an update.

    python tools/workspace.py sync             # make the copies that are missing (make lab runs it)
    python tools/workspace.py refresh NAME     # replace one copy by the latest stored version
    ... --into DIR                             # another folder of copies (default my-notebooks)

The stored notebooks in ``notebooks/`` are tracked by git and stay as they were published.
``make lab`` opens JupyterLab on ``my-notebooks/`` (ignored by git), where each notebook is
copied on first use and signed as trusted, so its in-page explorers run as soon as it opens. A
learner can run, edit and save freely there: ``git status`` stays clean and ``git pull`` never
conflicts with their work.

When ``git pull`` brings a newer version of a notebook, its copy is *not* overwritten: ``sync``
says which copies are behind, and ``refresh NAME`` puts the new version in place after copying
the learner's copy to ``my-notebooks/backup/`` (nothing is ever deleted).  Which stored version
each copy was made from is kept in ``my-notebooks/.origin.json``.

Crash safety: ``sync`` and ``refresh`` hold a lock (``my-notebooks/.lock``) so two of them never
interleave; every file is written to a temporary file, flushed to disk and moved into place with
``os.replace``, so a kill or a full disk leaves either the old file or the new one, never half of
one; a backup name is created exclusively, so no backup is ever overwritten; a refresh records
what it is doing in ``.refresh.json`` until it is done, so that after an interruption the next
``make lab`` says where the learner's last version is. An unreadable ``.origin.json`` is
reported and rebuilt; a folder that cannot be written is fine as long as nothing needs writing.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

try:
    import fcntl
except ImportError:          # not POSIX: no lock (the Makefile targets need a POSIX shell anyway)
    fcntl = None

ROOT = Path(__file__).resolve().parents[1]
STORED = ROOT / "notebooks"
COPIES = ROOT / "my-notebooks"
ORIGIN = ".origin.json"
JOURNAL = ".refresh.json"
LOCK = ".lock"
TEMP_PREFIX = ".d2lite-tmp."


class WorkspaceError(Exception):
    """A fault the learner can act on (the message says what happened and what to do)."""


def _failpoint(step: str) -> None:
    """Fault injection for the tests: D2LITE_WORKSPACE_KILL_AT=<step> (or a prefix of it) ends the
    process abruptly there (no clean-up runs, as with kill -9); ..._PAUSE_AT=<step>=<seconds> waits."""
    kill = os.environ.get("D2LITE_WORKSPACE_KILL_AT")
    if kill and step.startswith(kill):
        os._exit(137)
    pause = os.environ.get("D2LITE_WORKSPACE_PAUSE_AT", "")
    if pause.rpartition("=")[0] == step:
        time.sleep(float(pause.rpartition("=")[2]))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):       # some file systems cannot open a folder for fsync
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _temp_with(folder: Path, name: str, data: bytes) -> Path:
    """A complete, flushed temporary file in ``folder`` holding ``data`` (removed on failure)."""
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f"{TEMP_PREFIX}{name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data[:len(data) // 2])
            _failpoint(f"half-written {name}")
            out.write(data[len(data) // 2:])
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return Path(temp)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` all at once: after a crash it holds the old bytes or the new."""
    os.replace(_temp_with(path.parent, path.name, data), path)
    _fsync_dir(path.parent)


def create_exclusive(path: Path, data: bytes) -> Path:
    """Create a new file ``path``, or ``path`` with -1, -2, ... before its suffix when that name
    is taken; never overwrites anything, and the file appears complete or not at all."""
    temp = _temp_with(path.parent, path.name, data)
    try:
        for n in range(10_000):
            candidate = path if n == 0 else path.with_name(f"{path.stem}-{n}{path.suffix}")
            try:
                os.link(temp, candidate)     # fails if candidate exists: the name is ours alone
            except FileExistsError:
                continue
            except OSError as error:         # no hard links here: exclusive create instead
                if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
                    raise
                try:
                    with open(candidate, "xb") as out:
                        out.write(data)
                        out.flush()
                        os.fsync(out.fileno())
                except FileExistsError:
                    continue
            _fsync_dir(path.parent)
            return candidate
        raise WorkspaceError(f"{path.parent} holds 10000 backups named {path.stem}-N; "
                             "move some elsewhere")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


@contextlib.contextmanager
def locked(copies: Path):
    """Hold ``copies/.lock`` (waiting, with a word, while another sync or refresh runs). When the
    folder cannot be written and has no lock file, nothing can change it, so no lock is needed."""
    path, fd = copies / LOCK, None
    if fcntl is not None:
        for flags in (os.O_RDWR | os.O_CREAT, os.O_RDONLY):
            with contextlib.suppress(OSError):
                fd = os.open(path, flags, 0o644)
                break
    try:
        if fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                print(f"waiting for another `make lab` or `make refresh` on {copies} to finish",
                      file=sys.stderr)
                fcntl.flock(fd, fcntl.LOCK_EX)
        _failpoint("locked")
        yield
    finally:
        if fd is not None:
            os.close(fd)          # releases the lock


def _load_json(path: Path, notes: list[str], what: str):
    """The JSON in ``path`` (None when absent); unreadable content is reported in ``notes``."""
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        notes.append(f"{path} ({what}) could not be read ({error}); it is rebuilt")
        return None


def _origins(copies: Path, notes: list[str]) -> dict[str, str] | None:
    """Which stored version each copy was made from; None when the record is missing or bad."""
    data = _load_json(copies / ORIGIN, notes, "which stored version each copy was made from")
    if data is None:
        return None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                             for k, v in data.items()):
        notes.append(f"{copies / ORIGIN} is not a mapping of notebook names to digests; "
                     "it is rebuilt")
        return None
    return data


def _save(path: Path, data, notes: list[str]) -> bool:
    try:
        write_atomic(path, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode())
        return True
    except OSError as error:
        notes.append(f"could not write {path} ({error.strerror}); your copies are unchanged, "
                     "but updates of the stored notebooks cannot be tracked until it can be written")
        return False


def _trust(path: Path, notes: list[str]) -> None:
    """Sign a fresh copy as trusted (what `jupyter trust` does), so that JupyterLab runs its
    stored outputs' scripts: the in-page explorers then work as soon as the notebook opens."""
    try:
        import nbformat
        from nbformat.sign import NotebookNotary
    except ImportError:      # run without Jupyter installed: the copies stay untrusted
        return
    try:
        NotebookNotary().sign(nbformat.read(path, as_version=4))
    except Exception as error:   # the copy is fine; only its explorers wait for a click on "Trust"
        notes.append(f"could not sign {path.name} as trusted ({error}); "
                     f"`jupyter trust {path}` does it")


def _stored_notebooks(stored: Path) -> list[Path]:
    return sorted(stored.glob("*.ipynb"))


def _readable_notebook(path: Path) -> bool:
    try:
        return isinstance(json.loads(path.read_bytes().decode("utf-8")), dict)
    except (UnicodeDecodeError, ValueError):
        return False


def _backups(copies: Path, stem: str) -> list[Path]:
    return sorted((copies / "backup").glob(f"{stem}.*.ipynb"), key=lambda p: p.stat().st_mtime)


def _finish_interrupted(stored: Path, copies: Path, origins: dict, notes: list[str]) -> bool:
    """Report a refresh that did not finish (and settle it); True when ``origins`` changed."""
    journal = _load_json(copies / JOURNAL, [], "the record of a refresh in progress")
    if not (copies / JOURNAL).exists():
        return False
    changed = False
    if isinstance(journal, dict) and isinstance(journal.get("notebook"), str):
        name, kept = journal["notebook"], journal.get("backup")
        source, target = stored / name, copies / name
        notes.append(f"a `make refresh` of {name} was interrupted; your version from before it "
                     f"is kept in {copies / kept if kept else 'backup/ (nothing needed keeping)'}")
        if source.exists() and target.exists() and _digest(target) == _digest(source):
            origins[name], changed = _digest(source), True
    else:
        notes.append(f"a `make refresh` was interrupted; your earlier versions are in "
                     f"{copies / 'backup'}")
    with contextlib.suppress(OSError):
        os.unlink(copies / JOURNAL)
    return changed


def _clear_temporaries(copies: Path) -> None:
    """Remove what a killed write left behind (our own half-written temporary files only)."""
    for folder in (copies, copies / "backup"):
        for temp in folder.glob(f"{TEMP_PREFIX}*"):
            with contextlib.suppress(OSError):
                temp.unlink()


def sync(stored: Path = STORED, copies: Path = COPIES) -> dict[str, list[str]]:
    """Copy every stored notebook that has no working copy yet; never touch an existing copy.

    Returns the names ``copied`` now, the names whose stored version is ``behind`` (changed
    since the copy was made; ``refresh`` brings those up to date), the names whose origin is
    ``unknown`` (the record was lost and the copy differs from the stored version), and
    ``notes``: what went wrong and was repaired, in sentences for the learner.
    """
    report: dict[str, list[str]] = {"copied": [], "behind": [], "unknown": [], "notes": []}
    notes = report["notes"]
    if not copies.is_dir():
        try:
            copies.mkdir(parents=True)
        except OSError as error:
            raise WorkspaceError(f"cannot make the folder of working copies {copies} "
                                 f"({error.strerror})") from None
    with locked(copies):
        _clear_temporaries(copies)
        origins = _origins(copies, notes)
        changed = origins is None and (copies / ORIGIN).exists()
        rebuilt, origins = origins is None, origins or {}
        changed |= _finish_interrupted(stored, copies, origins, notes)
        for source in _stored_notebooks(stored):
            target, digest = copies / source.name, _digest(source)
            if not target.exists():
                try:
                    write_atomic(target, source.read_bytes())
                except OSError as error:
                    notes.append(f"could not copy {source.name} into {copies} ({error.strerror})")
                    continue
                _trust(target, notes)
                origins[source.name], changed = digest, True
                report["copied"].append(source.name)
                continue
            if not _readable_notebook(target):
                kept = _backups(copies, source.stem)
                notes.append(f"{target} is not a readable notebook (cut short?): "
                             + (f"your last backup is {kept[-1]}; " if kept else "")
                             + f"`make refresh NB={source.name[:2]}` puts the stored version "
                             "in its place and keeps this file in backup/")
            if rebuilt and source.name not in origins:
                if _digest(target) == digest:
                    origins[source.name], changed = digest, True
                else:
                    report["unknown"].append(source.name)
            elif origins.get(source.name) != digest:
                report["behind"].append(source.name)
        if changed:
            _save(copies / ORIGIN, origins, notes)
    return report


def _match(name: str, stored: Path) -> Path:
    hits = [p for p in _stored_notebooks(stored) if p.name == name or p.stem == name
            or p.name.startswith(name)]
    if len(hits) != 1:
        known = ", ".join(p.stem for p in _stored_notebooks(stored))
        raise SystemExit(f"NB must name one notebook (a prefix such as 03 is enough); "
                         f"{name!r} matches {len(hits)}. Notebooks: {known}")
    return hits[0]


def refresh(name: str, stored: Path = STORED, copies: Path = COPIES,
            notes: list[str] | None = None) -> Path | None:
    """Replace the working copy of ``name`` by the stored version; the old copy goes to backup/.

    Returns where the learner's old copy was kept (None when there was no copy, or it was
    identical to the stored version).
    """
    notes = [] if notes is None else notes
    source = _match(name, stored)
    try:
        copies.mkdir(parents=True, exist_ok=True)
        with locked(copies):
            return _refresh_locked(source, copies, notes)
    except OSError as error:
        where = f" {error.filename}" if error.filename else ""
        raise WorkspaceError(f"refresh of {source.name} stopped: could not write{where} "
                             f"({error.strerror}); your copy in {copies} is as it was") from None


def _refresh_locked(source: Path, copies: Path, notes: list[str]) -> Path | None:
    target, kept, new = copies / source.name, None, source.read_bytes()
    old = target.read_bytes() if target.exists() else None
    _failpoint("before-backup")
    if old is not None and old != new:
        (copies / "backup").mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        kept = create_exclusive(copies / "backup" / f"{source.stem}.{stamp}{source.suffix}", old)
        _failpoint("backed-up")
    journal = {"notebook": source.name, "backup": str(kept.relative_to(copies)) if kept else None}
    write_atomic(copies / JOURNAL, json.dumps(journal).encode())
    _failpoint("journal-written")
    if old != new:
        write_atomic(target, new)
    _trust(target, notes)
    _failpoint("copied")
    origins = _origins(copies, notes) or {}
    origins[source.name] = hashlib.sha256(new).hexdigest()
    if _save(copies / ORIGIN, origins, notes):
        _failpoint("origins-saved")
        os.unlink(copies / JOURNAL)
    return kept


def main(argv: list[str]) -> int:
    copies, stored = COPIES, STORED
    for option in ("--into", "--stored"):
        if option in argv:
            at = argv.index(option)
            if at + 1 >= len(argv):
                raise SystemExit(f"{option} needs a folder, e.g. {option} my-notebooks")
            folder = (Path.cwd() / argv[at + 1]).resolve()
            copies, stored = (folder, stored) if option == "--into" else (copies, folder)
            argv = argv[:at] + argv[at + 2:]
    shown = copies.relative_to(ROOT) if copies.is_relative_to(ROOT) else copies
    command = argv[0] if argv else "sync"
    try:
        if command == "sync" and len(argv) <= 1:
            report = sync(stored, copies)
            for note in report["notes"]:
                print(f"note: {note}", file=sys.stderr)
            if report["copied"]:
                print(f"made working copies in {shown}/: {', '.join(report['copied'])}")
            for name in report["behind"]:
                print(f"notebooks/{name} has a newer version than your copy in {shown}/; "
                      f"`make refresh NB={name[:2]}` takes it (your copy is kept in {shown}/backup/)")
            for name in report["unknown"]:
                print(f"your copy {shown}/{name} differs from notebooks/{name} and the record of "
                      f"which version it came from was lost: if you did not edit it, "
                      f"`make refresh NB={name[:2]}` takes the stored version (your copy is kept "
                      f"in {shown}/backup/)")
            return 0
        if command == "refresh" and len(argv) == 2:
            notes: list[str] = []
            kept = refresh(argv[1], stored, copies, notes)
            for note in notes:
                print(f"note: {note}", file=sys.stderr)
            print(f"{shown}/{_match(argv[1], stored).name} is now the stored version"
                  + (f"; your previous copy is {kept}" if kept else ""))
            return 0
    except WorkspaceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
