"""The project around the package: set-up files agree, imports are light, the API is documented."""
import inspect
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
import yaml

import d2lite

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAME = {"torch": "pytorch"}  # PyPI name -> conda-forge name where they differ


def requirement(spec: str) -> tuple[str, str]:
    name, bound = re.match(r"([A-Za-z0-9_.-]+)\s*(.*)", spec).groups()
    return name.lower(), bound.replace(" ", "")


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def conda_deps(path):
    deps = yaml.safe_load(path.read_text())["dependencies"]
    return dict(requirement(d) for d in deps if isinstance(d, str)), \
        next((d["pip"] for d in deps if isinstance(d, dict)), [])


@pytest.mark.parametrize("env_file", ["environment.yml", ".binder/environment.yml"])
def test_conda_environments_carry_every_runtime_dependency_with_the_same_bound(env_file):
    conda, _ = conda_deps(ROOT / env_file)
    for spec in pyproject()["project"]["dependencies"]:
        name, bound = requirement(spec)
        conda_name = CONDA_NAME.get(name, name)
        assert conda_name in conda, f"{env_file} lacks {conda_name} (pyproject: {spec})"
        assert conda[conda_name] == bound, f"{env_file}: {conda_name}{conda[conda_name]} vs {spec}"
    for needed in ("python", "pip", "ipykernel", "jupyterlab", "nbval"):
        assert needed in conda


def test_environment_yml_installs_the_package_and_binder_does_so_after_the_copy():
    _, pip = conda_deps(ROOT / "environment.yml")
    assert "-e ." in pip
    assert "pip install" in (ROOT / ".binder/postBuild").read_text()
    root, _ = conda_deps(ROOT / "environment.yml")
    binder, _ = conda_deps(ROOT / ".binder/environment.yml")
    assert set(root) == set(binder)


def test_binder_gets_make_labs_lab_settings_merged_into_its_own(tmp_path):
    """postBuild's settings step, run in an environment of its own that already has a setting."""
    import json
    import subprocess
    import sys
    script = (ROOT / ".binder/postBuild").read_text()
    step = script[script.index("<<'PY'\n") + len("<<'PY'\n"):script.rindex("\nPY")]
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "env")], check=True)
    target = tmp_path / "env/share/jupyter/lab/settings/overrides.json"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}))
    subprocess.run([str(tmp_path / "env/bin/python"), "-c", step], cwd=ROOT, check=True)
    merged = json.loads(target.read_text())
    ours = json.loads((ROOT / ".jupyter-lab-settings/overrides.json").read_text())
    assert merged["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert merged["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"] == {"markdown": "Markdown Preview"}
    assert all(merged[plugin][key] == value for plugin, settings in ours.items()
               for key, value in settings.items())


def test_constraints_pin_every_dependency_and_torch_exactly():
    pins = dict(line.split("==") for line in (ROOT / "constraints.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    pins = {k.lower(): v for k, v in pins.items()}
    project = pyproject()["project"]
    specs = project["dependencies"] + [s for extra in project["optional-dependencies"].values()
                                       for s in extra]
    for spec in specs:
        name, _ = requirement(spec)
        assert name in pins, f"constraints.txt does not pin {name}"
    assert pins["torch"] == "2.13.0"


def test_importing_d2lite_is_light():
    """No plotting, no network, no figures at import time (the import runs with sockets off)."""
    code = ("import socket\n"
            "def refuse(*a, **k): raise RuntimeError('d2lite opened a network connection on import')\n"
            "socket.socket.connect = refuse\n"
            "import sys, d2lite\n"
            "print('matplotlib.pyplot' in sys.modules, 'torch' in sys.modules)\n"
            "d2lite.optimizers.run, d2lite.problems.quadratic, d2lite.problems.sparse\n"
            "d2lite.problems.rates, d2lite.problems.preconditioning, d2lite.figures.plots\n"
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False", "False"], \
        "importing d2lite imported pyplot or torch, or its NumPy layers needed torch"
    assert out.stderr == ""


def test_the_top_level_is_small_and_every_module_is_listed():
    assert len(d2lite.__all__) == len(set(d2lite.__all__)), "a public name is listed twice"
    assert len(d2lite.__all__) <= 30, f"{len(d2lite.__all__)} top-level names; at most 30"
    for name in d2lite.__all__:
        assert hasattr(d2lite, name), name
    on_disk = {f"d2lite.{p.stem}" for p in (ROOT / "d2lite").glob("[!_]*.py")}
    on_disk |= {f"d2lite.problems.sparse.{p.stem}" for p in (ROOT / "d2lite" / "sparse").glob("[!_]*.py")}
    on_disk -= {f"d2lite.{name}" for name in d2lite._OTHER_FACADES}  # tests/test_book_tabs.py
    assert on_disk <= {m.__name__ for m in d2lite.MODULES}, "a module is missing from MODULES"


def test_every_package_directory_is_installed():
    """A non-editable install (Colab's pip install git+...) ships only the listed packages."""
    listed = set(pyproject()["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "d2lite").rglob("__init__.py")}
    assert on_disk <= listed, f"pyproject.toml [tool.setuptools] packages misses {on_disk - listed}"


@pytest.mark.parametrize("module", d2lite.MODULES, ids=lambda m: m.__name__)
def test_every_public_name_of_every_module_is_documented_and_typed(module):
    names = module.__all__
    assert len(names) == len(set(names)), f"{module.__name__}: a public name is listed twice"
    for name in names:
        obj = getattr(module, name)
        if not callable(obj):
            continue
        assert inspect.getdoc(obj), f"{module.__name__}.{name} has no docstring"
        if inspect.isfunction(obj):
            sig = inspect.signature(obj)
            untyped = [p for p in sig.parameters.values()
                       if p.annotation is inspect.Parameter.empty and p.kind not in
                       (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
            assert not untyped, \
                f"{module.__name__}.{name}: parameters without type hints: {[p.name for p in untyped]}"


def test_every_module_has_a_docstring_example():
    for module in d2lite.MODULES:
        assert ">>>" in (module.__doc__ or "") or any(
            ">>>" in (inspect.getdoc(getattr(module, name)) or "") for name in module.__all__), \
            f"{module.__name__} has no docstring example"


def test_the_learning_rate_is_called_lr_everywhere():
    """One name per concept (the rule is written in d2lite/__init__.py)."""
    for module in d2lite.MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                params = inspect.signature(obj).parameters if callable(obj) else {}
                bad = {"eta", "rate", "scaled_rate", "base_rate", "base_rates"} & set(params)
                assert not bad, f"{module.__name__}.{name} takes {bad}: call it lr"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_make_lab_opens_the_contents_on_working_copies_and_leaves_git_status_clean(tmp_path):
    """`make lab` as a learner uses it: open the contents, run and edit a notebook, save it (as
    Lab's autosave does, through the contents API); the checkout's `git status` stays clean."""
    if shutil.which("make") is None or shutil.which("git") is None:
        pytest.skip("make and git are needed")
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    before = git_status()
    port, token = free_port(), "lab-test"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "JUPYTER_DATA_DIR": str(tmp_path / "data"),
           "PYTHON": sys.executable}
    args = f"--no-browser --ip 127.0.0.1 --IdentityProvider.token={token}"
    # A folder of copies of its own (inside the checkout, where Lab's copies live, and ignored
    # by git): the test must not touch a developer's own my-notebooks/.
    copies = ROOT / "build" / "lab-test" / "my-notebooks"
    shutil.rmtree(copies, ignore_errors=True)
    proc = subprocess.Popen(["make", "lab", f"PORT={port}", f"JUPYTER_ARGS={args}", f"WORKSPACE={copies}"], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    def api(path, method="GET", body=None):
        request = urllib.request.Request(f"{base}{path}", method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Authorization": f"token {token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.geturl(), r.read().decode()

    try:
        deadline, landing = time.monotonic() + 90, None
        while time.monotonic() < deadline and landing is None:
            try:
                landing, body = api("/")
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
                time.sleep(0.5)
        assert landing is not None, "JupyterLab did not answer within 90 s"
        assert landing.endswith("/lab/tree/00-contents.md") and "JupyterLab" in body
        listing = json.loads(api("/api/contents")[1])
        names = {item["name"] for item in listing["content"]}
        assert {"00-contents.md", "03-the-algorithm.ipynb"} <= names  # Lab's root: the copies
        assert (copies / "03-the-algorithm.ipynb").exists()
        # The copies are trusted, so JupyterLab runs the in-page explorers as they open.
        model = json.loads(api("/api/contents/03-the-algorithm.ipynb")[1])
        assert model["content"]["metadata"] is not None
        probe = subprocess.run(
            [sys.executable, "-c", "import nbformat, sys; from nbformat.sign import NotebookNotary; "
             "print(NotebookNotary().check_signature(nbformat.read(sys.argv[1], as_version=4)))",
             str(copies / "03-the-algorithm.ipynb")], env=env, capture_output=True, text=True)
        assert probe.stdout.split() == ["True"], probe.stderr

        # Run the notebook in the folder Lab runs it in, then save it back as autosave would.
        import nbformat
        from nbclient import NotebookClient
        model = json.loads(api("/api/contents/03-the-algorithm.ipynb")[1])
        nb = nbformat.from_dict(model["content"])
        nb.cells.append(nbformat.v4.new_code_cell("my_note = 'a learner was here'"))
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(copies)}}).execute()
        api("/api/contents/03-the-algorithm.ipynb", "PUT",
            {"type": "notebook", "format": "json", "content": json.loads(nbformat.writes(nb))})
        api("/api/contents/03-the-algorithm.ipynb/checkpoints", "POST")
        saved = (copies / "03-the-algorithm.ipynb").read_text()
        assert "a learner was here" in saved
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    assert git_status() == before, "working in make lab changed what git sees"
    assert "a learner was here" not in (ROOT / "notebooks" / "03-the-algorithm.ipynb").read_text()
