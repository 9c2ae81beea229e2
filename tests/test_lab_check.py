"""`make lab` refuses a busy port, and a folder another server already serves, with a message."""
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tools import load_tool

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT / "tools" / "lab_check.py"


@pytest.fixture
def busy_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


lab_check = load_tool("lab_check")


def test_a_port_in_use_is_refused_with_what_to_do(busy_port, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    assert lab_check.main([str(busy_port), str(tmp_path)]) == 1
    said = capsys.readouterr().err
    assert f"port {busy_port} is already in use" in said
    assert f"make lab PORT={busy_port + 2}" in said
    assert lab_check.port_in_use(busy_port) and not lab_check.port_in_use(free_port())


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_make_lab_checks_before_starting_jupyter_and_jupyter_never_moves_port():
    if shutil.which("make") is None:
        pytest.skip("make is needed")
    plan = subprocess.run(["make", "-n", "lab", "PORT=8123"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60).stdout
    check, lab = plan.index("tools/lab_check.py 8123"), plan.index("jupyter lab")
    assert check < lab
    assert "--ServerApp.port=8123 --ServerApp.port_retries=0" in plan[lab:]


def test_a_folder_another_server_serves_is_refused(tmp_path, monkeypatch, capsys):
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
    info = {"url": "http://localhost:8888/", "port": 8888, "pid": os.getpid(),
            "root_dir": str(tmp_path / "copies")}
    (runtime / f"jpserver-{os.getpid()}.json").write_text(json.dumps(info))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()                                   # a server that died leaves its file behind
    (runtime / f"jpserver-{dead.pid}.json").write_text(json.dumps({**info, "pid": dead.pid}))
    assert lab_check.main(["1", str(tmp_path / "copies")]) == 1
    said = capsys.readouterr().err
    assert f"already served by JupyterLab at http://localhost:8888/ (pid {os.getpid()})." in said
    assert "overwrite each other" in said
    assert lab_check.servers_of(tmp_path / "elsewhere") == []


def test_a_port_that_is_not_a_number_is_named():
    done = subprocess.run([sys.executable, str(CHECK), "88a8", "x"], capture_output=True, text=True)
    assert done.returncode == 2 and "PORT must be a whole number" in done.stderr


def test_the_readme_says_what_listening_on_every_interface_exposes_and_what_git_clean_deletes():
    readme = " ".join((ROOT / "README.md").read_text().split())
    at = readme.index("--ip 0.0.0.0")
    exposure = readme[at:at + 900]
    assert "every network interface" in exposure and "root" in exposure and "token" in exposure
    assert "`git clean -x` deletes it" in readme and "my-notebooks/" in readme
