"""Start and stop a private JupyterLab for the browser test.

The server is started the way ``make lab`` starts it (``jupyter lab --notebook-dir=notebooks``)
with a few test-only settings: a free loopback port, a random token, no news feed and no update
check, no autosave, and every Jupyter, IPython and matplotlib directory (``HOME`` too) inside a
temporary folder, so a developer's own configuration, workspaces and settings are never read or
written.  The notebooks are copied into that folder (autosave is off as well), so running them in
the browser can never change the repository's files; ``d2lite`` and the other top-level entries
of the repository are symlinked next to the copy, so the notebooks' setup cell finds them.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
LAB_SETTINGS = HERE / "lab-settings"  # overrides.json: news, update check and autosave off
NOT_LINKED = {"notebooks", ".git", ".venv", "build", ".pytest_cache", ".hypothesis"}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def private_env(base: Path, jupyter_path: Path | None = None) -> dict[str, str]:
    """The environment for the server: every per-user Jupyter folder inside ``base``
    (and ``JUPYTER_PATH``, where kernelspecs are also looked for, set to ``jupyter_path``)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "JPY_", "IPYTHON")) and k != "MPLCONFIGDIR"}
    folders = {
        "HOME": "home",
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTERLAB_SETTINGS_DIR": "lab-user-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
        "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "matplotlib",
    }
    for name, sub in folders.items():
        path = base / sub
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    if jupyter_path is not None:
        env["JUPYTER_PATH"] = str(jupyter_path)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def make_lab_root(base: Path, notebooks: list[Path], fixtures: list[Path],
                  kernel: str | None = None) -> Path:
    """A copy of the repository's layout under ``base/root`` that JupyterLab may freely change.

    ``notebooks/`` holds copies of ``notebooks``; ``notebooks/e2e-fixtures/`` holds ``fixtures``.
    With ``kernel``, every copy's kernelspec is set to that kernel (as a learner who picks it in
    Kernel > Change Kernel and saves would do).
    """
    root = base / "root"
    (root / "notebooks" / "e2e-fixtures").mkdir(parents=True, exist_ok=True)
    for entry in REPO.iterdir():
        if entry.name not in NOT_LINKED:
            (root / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    source_notebooks = REPO / "notebooks"
    if source_notebooks.is_dir():  # data files next to the notebooks, if any
        for entry in source_notebooks.iterdir():
            if entry.suffix != ".ipynb" and not entry.name.startswith("."):
                (root / "notebooks" / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    copies = [(path, root / "notebooks" / path.name) for path in notebooks]
    copies += [(path, root / "notebooks" / "e2e-fixtures" / path.name) for path in fixtures]
    for path, copy in copies:
        shutil.copy2(path, copy)
        if kernel is not None:
            nb = json.loads(copy.read_text(encoding="utf-8"))
            nb.setdefault("metadata", {})["kernelspec"] = {
                "name": kernel, "display_name": kernel, "language": "python"}
            copy.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return root


def write_kernelspec(data_dir: Path, name: str, python: str) -> Path:
    """A kernelspec ``name`` under ``data_dir/kernels`` that starts ipykernel in ``python``."""
    folder = data_dir / "kernels" / name
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": name, "language": "python", "metadata": {"debugger": False}}
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return folder


@dataclass
class LabServer:
    """A running JupyterLab: its URL, token and process."""

    url: str
    token: str
    process: subprocess.Popen
    log_path: Path
    base: Path  # the private folder (HOME, Jupyter folders, log)
    root: Path  # the repository-like folder served (notebooks/ inside)
    python: str  # the server's interpreter
    setting: str = "lab"  # a label for reports

    def api(self, method: str, path: str, timeout: float = 10.0):
        """Call the server's REST API (token-authenticated) and return the decoded JSON or None."""
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """End every session and kernel (between notebooks, to keep the machine free)."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 20.0) -> None:
        """Stop the server (SIGTERM shuts its kernels down too); kill it if it does not stop."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=timeout)


#: ``make lab``'s server settings (kernel websockets without Nagle's algorithm).
SERVER_CONFIG = Path(__file__).resolve().parents[2] / "tools" / "lab_server_config.py"


def lab_command(root: Path, port: int, token: str, python: str = sys.executable,
                nodelay: bool = True) -> list[str]:
    """``make lab``'s command (``jupyter lab --notebook-dir=notebooks``, with its server settings
    unless ``nodelay`` is False) plus the test settings, run by ``python`` (by default this
    interpreter: the project's .venv)."""
    return [
        python, "-m", "jupyterlab", f"--notebook-dir={root / 'notebooks'}",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", "--ServerApp.password=",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        f"--LabApp.app_settings_dir={LAB_SETTINGS}",
        "--LabApp.extension_manager=readonly",  # no look-ups on PyPI
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: the notebook model's run state
        *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        *([f"--config={SERVER_CONFIG}"] if nodelay else []),
    ]


def start_lab(base: Path, root: Path, timeout: float = 120.0, python: str = sys.executable,
              jupyter_path: Path | None = None, nodelay: bool = True) -> LabServer:
    """Start JupyterLab (run by ``python``) serving ``root/notebooks`` and wait until its API
    answers; ``jupyter_path`` becomes the server's ``JUPYTER_PATH`` (extra kernelspecs); unless
    ``nodelay`` is False, the server's websockets send at once, as ``make lab``'s do."""
    port, token = free_port(), secrets.token_hex(16)
    log_path = base / "jupyterlab.log"
    log = open(log_path, "wb")
    env = private_env(base, jupyter_path)
    process = subprocess.Popen(lab_command(root, port, token, python, nodelay), cwd=root,
                               env=env,
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               start_new_session=True)
    log.close()
    server = LabServer(f"http://127.0.0.1:{port}", token, process, log_path, base, root, python)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {process.returncode}:\n{server.log_tail()}")
        try:
            server.api("GET", "/api/status", timeout=2.0)
            return server
        except (urllib.error.URLError, ConnectionError, OSError):
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n"
                                   f"{server.log_tail()}")
            time.sleep(0.25)
