"""Before `make lab` starts a server: refuse a port in use, and a folder another server serves.

    python tools/lab_check.py PORT FOLDER

JupyterLab, told ``--ServerApp.port_retries=0`` by the Makefile, would stop on a busy port too,
but with a traceback-like log; without it, it quietly moves to the next port, so that two
servers serve (and autosave) the same notebooks and overwrite each other's saves. This check
says what is going on and what to do, and exits 1.
"""
from __future__ import annotations

import errno
import json
import os
import socket
import sys
from pathlib import Path


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """True when something already listens on ``host:port`` (JupyterLab's default address)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                return True
            raise
    return False


def _alive(pid) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, TypeError, ProcessLookupError):
        return False
    except PermissionError:          # another user's live process
        return True
    return True


def servers_of(folder: Path) -> list[str]:
    """Addresses of running Jupyter servers whose root is ``folder``, read from the runtime files
    each server writes (``jpserver-PID.json``; what ``jupyter server list`` reads, without its
    slow import). Files left by a server that died are ignored."""
    try:
        from jupyter_core.paths import jupyter_runtime_dir
    except ImportError:
        return []
    found = []
    for path in sorted(Path(jupyter_runtime_dir()).glob("jpserver-*.json")):
        try:
            info = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        root = isinstance(info, dict) and (info.get("root_dir") or info.get("notebook_dir"))
        if root and _alive(info.get("pid")) and Path(root).resolve() == folder.resolve():
            found.append(f"{info.get('url', '?')} (pid {info.get('pid', '?')})")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[0].isdigit() or not 0 < int(argv[0]) < 65536:
        print(f"PORT must be a whole number from 1 to 65535, got {' '.join(argv)!r}", file=sys.stderr)
        return 2
    port, folder = int(argv[0]), Path(argv[1])
    running = servers_of(folder)
    if running:
        print(f"error: {folder}/ is already served by JupyterLab at {', '.join(running)}. Two "
              "servers on one folder autosave the same notebooks and overwrite each other's "
              "work: open that one, or stop it (Ctrl-C in its terminal, or "
              "`jupyter server stop PORT`) first.",
              file=sys.stderr)
        return 1
    if port_in_use(port):
        print(f"error: port {port} is already in use (another `make lab`, or another program). "
              f"`make lab` does not move to another port on its own: choose one, e.g. "
              f"`make lab PORT={port + 2}`, or stop what uses {port}.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
