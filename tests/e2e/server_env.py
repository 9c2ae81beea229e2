"""A Python environment for the *server* only: ``jupyterlab`` and ``jupyterlab_widgets``.

Setting 2 of the browser test runs JupyterLab from this environment and the collection's kernel
from the project's ``.venv``, the way hosted Labs run a custom kernel beside a server that cannot
be extended.  The environment lives in ``build/e2e/server-venv`` and is made once (about a minute,
from PyPI, with the exact versions of ``constraints.txt``); a stamp holding the hash of
``constraints.txt`` says when it must be made again.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from .lab import REPO

SERVER_VENV = REPO / "build" / "e2e" / "server-venv"
SERVER_PACKAGES = ("jupyterlab", "jupyterlab_widgets")
# Imports the server environment must NOT offer: the collection and its kernel-side libraries.
KERNEL_ONLY = ("d2lite", "ipywidgets", "torch", "matplotlib", "numpy")


def _stamp() -> str:
    text = (REPO / "constraints.txt").read_bytes()
    return hashlib.sha256(text + " ".join(SERVER_PACKAGES).encode()).hexdigest()


def server_python(venv: Path = SERVER_VENV) -> Path:
    """The server environment's interpreter, made (or remade) when needed."""
    python = venv / "bin" / "python"
    stamp = venv / ".d2lite-stamp"
    if python.exists() and stamp.exists() and stamp.read_text() == _stamp():
        return python
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-c", str(REPO / "constraints.txt"), *SERVER_PACKAGES], check=True)
    stamp.write_text(_stamp())
    return python


def importable(python: Path | str, module: str) -> bool:
    """Whether ``python`` can import ``module`` (run from an empty folder, no PYTHONPATH)."""
    python = Path(python)
    result = subprocess.run([str(python), "-c", f"import {module}"], cwd=python.parent,
                            capture_output=True, env={"PATH": "/usr/bin:/bin"})
    return result.returncode == 0
