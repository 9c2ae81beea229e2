#!/usr/bin/env bash
# tools/lane.sh oldest|newest -- are the version ranges in pyproject.toml true?
#
# Each lane is its own clean venv (.venv-oldest / .venv-newest, made with the machine's python3
# when missing) that runs the unit tests and nbval over every notebook:
#   oldest  every direct dependency (runtime and the lab/test extras) at the floor pyproject.toml
#           declares, pinned in constraints-oldest.txt; pip resolves the rest.
#   newest  every dependency at the newest version pyproject.toml allows (pip's eager upgrade);
#           constraints-newest.txt pins only torch (the local CPU build) and what is strictly needed.
# torch is 2.13.0 (the CPU wheel) in both: pip must never fetch another torch.
# Exits non-zero if the install, the unit tests or the notebooks fail; the last lines are a
# one-line verdict and the installed versions of the direct dependencies.
set -uo pipefail
cd "$(dirname "$0")/.."

lane="${1:-}"
case "$lane" in
  oldest|newest) ;;
  *) echo "usage: tools/lane.sh oldest|newest (got '${lane}')" >&2; exit 2 ;;
esac
venv=".venv-$lane"
py="$venv/bin/python"
constraints="constraints-$lane.txt"
stamp="$venv/.lane-installed"
start=$(date +%s)

# Everything that decides the oldest lane's versions; a change rebuilds its venv from scratch.
want=$(cat pyproject.toml "$constraints" | sha256sum | cut -d' ' -f1)
if [ -x "$py" ] && [ "$lane" = oldest ] && [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "== $lane: pyproject.toml or $constraints changed: rebuilding $venv from scratch"
  rm -rf "$venv"
fi
if [ ! -x "$py" ]; then
  echo "== $lane: creating $venv with $(python3 --version)"
  python3 -m venv "$venv" || exit 1
fi

install_ok=1
if [ "$lane" = oldest ]; then
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    "$py" -m pip install --quiet --upgrade pip &&
      "$py" -m pip install --quiet -c "$constraints" -e ".[lab,test]" || install_ok=0
  fi
else
  # Always re-run: a new release inside the ranges should reach this lane at once.
  "$py" -m pip install --quiet --upgrade pip &&
    "$py" -m pip install --quiet --upgrade --upgrade-strategy eager -c "$constraints" \
      -e ".[lab,test]" || install_ok=0
fi
[ "$install_ok" = 1 ] && echo "$want" > "$stamp"
install_s=$(( $(date +%s) - start ))

echo "== $lane: pip freeze"
"$py" -m pip freeze --exclude-editable

# The direct dependencies (runtime and every extra), with the versions this lane ended up with;
# the newest lane also checks that each is the newest release its range allows.
report=$("$py" - "$lane" <<'EOF'
import json, re, subprocess, sys, tomllib
from importlib.metadata import PackageNotFoundError, version
from pip._vendor.packaging.specifiers import SpecifierSet  # pip is in every venv
from pip._vendor.packaging.version import Version

lane = sys.argv[1]
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
specs = project["dependencies"] + [s for extra in project["optional-dependencies"].values()
                                   for s in extra]
latest = {}
if lane == "newest":
    out = subprocess.run([sys.executable, "-m", "pip", "list", "--outdated", "--format=json"],
                         capture_output=True, text=True).stdout
    latest = {p["name"].lower().replace("_", "-"): p["latest_version"]
              for p in json.loads(out or "[]")}
versions, stale = [], []
for spec in specs:
    name, bound = re.match(r"([A-Za-z0-9_.-]+)\s*(.*)", spec).groups()
    try:
        have = version(name)
    except PackageNotFoundError:
        have = "MISSING"
        stale.append(f"{name} missing")
    versions.append(f"{name}=={have}")
    newer = latest.get(name.lower().replace("_", "-"))
    if name != "torch" and newer and Version(newer) in SpecifierSet(bound):
        stale.append(f"{name} {have} < {newer} (allowed by {bound})")
print(" ".join(versions))
print("; ".join(stale))
EOF
)
versions=$(sed -n 1p <<<"$report")
stale=$(sed -n 2p <<<"$report")

unit=skipped nb=skipped
if [ "$install_ok" = 1 ]; then
  # tests/test_project.py starts `make lab`: point make at this lane's venv (a command-line
  # variable passed through MAKEFLAGS) so JupyterLab is served by the lane's versions, and touch
  # make's install stamp so it does not reinstall constraints.txt into it.
  touch "$venv/.installed"
  echo "== $lane: unit tests"
  MAKEFLAGS="VENV=$venv" nice "$py" -m pytest tests --ignore=tests/e2e -p no:cacheprovider \
    && unit=passed || unit=FAILED
  echo "== $lane: notebooks (nbval)"
  nice "$py" -m pytest notebooks --nbval-lax --nbval-current-env \
    --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider \
    && nb=passed || nb=FAILED
fi
total_s=$(( $(date +%s) - start ))

install=$([ "$install_ok" = 1 ] && echo ok || echo FAILED)
[ -n "$stale" ] && install="$install (NOT NEWEST: $stale)"
echo "== $lane lane versions: $versions"
echo "== $lane lane: install $install, unit $unit, notebooks $nb" \
  "(${install_s}s install, ${total_s}s total)"
[ "$install_ok" = 1 ] && [ -z "$stale" ] && [ "$unit" = passed ] && [ "$nb" = passed ]
