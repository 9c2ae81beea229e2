"""``make frameworks``: run Adagrad in every framework, each in its own environment, and compare.

    python frameworks/run.py [--store] [--only NAME ...] [--python PYTHON]

1. The main environment exports the shared inputs (data, minibatch order, initial weights and
   the small problems) to build/frameworks/inputs.json.
2. Each framework gets a virtual environment under build/frameworks/NAME/, built once with
   PYTHON from the exact pins in frameworks/NAME-constraints.txt and reused while the pins are
   unchanged (a stamp file records them).  PyTorch runs in the main environment.
3. Each frameworks/run_NAME.py writes its results; they are merged into
   build/frameworks/results.json and compared with the stored d2lite/book/results/frameworks.json
   (frameworks/compare.py).  ``--store`` writes the fresh results there instead.

A framework that cannot be installed is named on one line with pip's error; its stored results
stay.  That fails the run when the environment variable CI is "true", and only warns otherwise.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILD = ROOT / "build" / "frameworks"
sys.path.insert(0, str(ROOT))

import d2lite.book.framework_runs  # noqa: E402
from d2lite.book.tabs import TABS, check_tab  # noqa: E402
from compare import report  # noqa: E402

#: What pip installs in each environment, always under its constraints file.
PACKAGES = {"mxnet": ["mxnet", "numpy", "matplotlib"], "tensorflow": ["tensorflow-cpu", "matplotlib"],
            "keras": ["keras", "torch"], "optax": ["jax", "jaxlib", "optax"]}
#: The small problems every framework solves, beside the linear regression.
PROBLEMS = {"lr": 0.1, "scratch_epochs": 2, "concise_epochs": 4, "eval_every": 200,
            "two_d": {"start": [-5.0, -2.0], "eta": 0.4, "steps": 20, "eps": 1e-6},
            "steps": {"curvature": [1.0, 1e-4], "start": [1.0, 1.0], "lr": 0.1}}


def export_inputs(build: Path) -> tuple[Path, dict]:
    """Write the shared inputs to BUILD/inputs.json; return the path and what to record of them."""
    inputs = {**d2lite.book.framework_runs.linreg_inputs(), **PROBLEMS}
    text = json.dumps(inputs, sort_keys=True)
    path = build / "inputs.json"
    path.write_text(text, encoding="utf-8")
    about = {key: inputs[key] for key in ("noise", "seed", "batch_size", *PROBLEMS)}
    return path, {**about, "sha256": hashlib.sha256(text.encode()).hexdigest()}


def environment(name: str, python: str, build: Path) -> tuple[Path | None, str]:
    """The Python of NAME's environment, built if needed; or None and pip's error."""
    if name == "torch":
        return Path(sys.executable), "main environment"
    constraints = HERE / f"{name}-constraints.txt"
    venv, stamp_text = build / name, constraints.read_text() + " ".join(PACKAGES[name])
    stamp = venv / ".installed"
    if stamp.is_file() and stamp.read_text() == stamp_text:
        return venv / "bin" / "python", "reused"
    shutil.rmtree(venv, ignore_errors=True)
    for command in ([python, "-m", "venv", str(venv)],
                    [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                     "--disable-pip-version-check", "-c", str(constraints), *PACKAGES[name]]):
        try:
            done = subprocess.run(command, capture_output=True, text=True)
        except OSError as error:
            return None, f"{command[0]}: {error.strerror}"
        if done.returncode != 0:
            output = (done.stderr + done.stdout).splitlines()
            errors = [line.strip() for line in output if line.startswith("ERROR")]
            return None, " ".join(errors) or (output[-1].strip() if output else "no output")
    stamp.write_text(stamp_text)
    return venv / "bin" / "python", "built"


def run_tab(name: str, python: Path, build: Path) -> dict | str:
    """Run the book's tab for NAME through its facade (run_tab.py); its results or the error.

    The repository goes on PYTHONPATH, so the framework's environment needs no d2lite install;
    one OpenMP thread, so a re-run sums in the same order."""
    out = build / f"{name}-tab.json"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "OMP_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([str(python), str(HERE / "run_tab.py"), name, str(out)],
                          capture_output=True, text=True, cwd=HERE, env=env)
    if done.returncode != 0:
        return done.stderr[-2000:]
    return json.loads(out.read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", action="store_true",
                        help="write the fresh results to d2lite/book/results/frameworks.json")
    parser.add_argument("--only", nargs="+", choices=d2lite.book.framework_runs.FRAMEWORKS,
                        default=list(d2lite.book.framework_runs.FRAMEWORKS))
    parser.add_argument("--python", default="python3", help="the Python that builds the venvs")
    parser.add_argument("--build", type=Path, default=BUILD, help="where venvs and results go")
    args = parser.parse_args()
    in_ci = os.environ.get("CI", "").lower() == "true"
    start = time.perf_counter()
    build = args.build.resolve()
    build.mkdir(parents=True, exist_ok=True)
    inputs_path, about = export_inputs(build)
    stored_path = HERE.parent / "d2lite" / "book" / "results" / "frameworks.json"  # package data
    stored = json.loads(stored_path.read_text()) if stored_path.is_file() else {"frameworks": {}}
    fresh = {"inputs": about, "frameworks": {}}
    uninstallable, broken = [], []
    for name in args.only:
        began = time.perf_counter()
        python, how = environment(name, args.python, build)
        if python is None:
            print(f"frameworks: cannot install {name}: {how}")
            uninstallable.append(name)
            continue
        built = time.perf_counter()
        out = build / f"{name}.json"
        done = subprocess.run([str(python), str(HERE / f"run_{name}.py"), str(inputs_path),
                               str(out)], capture_output=True, text=True, cwd=HERE,
                              env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
        if done.returncode != 0:
            print(f"frameworks: {name} failed:\n{done.stderr[-2000:]}")
            broken.append(name)
            continue
        fresh["frameworks"][name] = json.loads(out.read_text())
        ran_at = time.perf_counter()
        if name in TABS:
            tab = run_tab(name, python, build)
            if isinstance(tab, str):
                print(f"frameworks: the {name} tab failed:\n{tab}")
                broken.append(name)
                continue
            fresh["frameworks"][name].update(tab)
            problems = check_tab(tab["tab"])
            print("\n".join(problems) if problems else
                  f"frameworks: {name} tab prints what the book prints: "
                  + "; ".join(line for cell in tab["tab"]["cells"] for line in cell["printed"]))
            if problems:
                broken.append(name)
        print(f"frameworks: {name}: environment {how} in {built - began:.0f} s, "
              f"ran in {ran_at - built:.1f} s"
              + (f" + tab {time.perf_counter() - ran_at:.1f} s" if name in TABS else ""))
    (build / "results.json").write_text(json.dumps(fresh, indent=1))
    ran = list(fresh["frameworks"])
    if args.store:
        merged = {"inputs": about, "frameworks": {**stored["frameworks"], **fresh["frameworks"]}}
        stored_path.write_text(json.dumps(merged, indent=1) + "\n")
        print(f"frameworks: stored {', '.join(ran)} in {stored_path.relative_to(ROOT)}")
        mismatches = 0
    else:
        lines, mismatches = report(fresh, stored, ran)
        if fresh["inputs"] != stored.get("inputs"):
            lines.append("MISMATCH inputs: the exported inputs differ from the stored ones")
            mismatches += 1
        print("\n".join(lines))
        print(f"frameworks: {mismatches} mismatch(es) with {stored_path.relative_to(ROOT)}")
    if uninstallable:
        print(f"frameworks: NOT RUN {', '.join(uninstallable)} (cannot install; stored results "
              f"kept){'; this fails in CI' if in_ci else ''}")
    print(f"frameworks: {time.perf_counter() - start:.0f} s in all")
    return 1 if mismatches or broken or (uninstallable and in_ci) else 0


if __name__ == "__main__":
    sys.exit(main())
