"""d2lite.explore and d2lite.explorers.rule_runs: the learner's rule under sliders, on the Python side.

The path drawn must be the rule's own (compared with a plain loop over the rule written here),
a bad rule must give one clear line naming the step and the value, a rule that runs too long is
stopped, and the widget keeps working after a bad setting.
"""
from __future__ import annotations

import base64
import json
import math
import re

import numpy as np
import pytest

import d2lite
from d2lite.explorers.kernel_explorer import KERNEL_NOTE, explore
from d2lite.problems.quadratic import quadratic_2d
from d2lite.explorers.rule_runs import hyperparameters, rule_form, run_rule
from tests.reference_rules import book_rule


def gentler(x1, x2, s1, s2, f_grad, lr=0.4, gamma=0.9, eps=1e-6):
    """RMSProp's leaky average, on whatever objective it is given."""
    g1, g2 = f_grad(x1, x2)
    s1 = gamma * s1 + (1 - gamma) * g1 * g1
    s2 = gamma * s2 + (1 - gamma) * g2 * g2
    return x1 - lr / math.sqrt(s1 + eps) * g1, x2 - lr / math.sqrt(s2 + eps) * g2, s1, s2


def plain_loop(rule, steps, start, **kwargs):
    x1, x2, s1, s2 = *start, 0.0, 0.0
    path = [(x1, x2)]
    for _ in range(steps):
        x1, x2, s1, s2 = rule(x1, x2, s1, s2, **kwargs)
        path.append((x1, x2))
    return np.array(path)


def state_of(explorer) -> dict:
    match = re.search(r'data-state="([^"]*)"', explorer.figure.value)
    import html
    return json.loads(html.unescape(match.group(1)))


def drawn_path(explorer, label="your rule") -> np.ndarray:
    line = explorer.canvas.path_lines[label]
    return np.column_stack(line.get_data())


def test_the_path_drawn_is_the_rule_run_directly_and_follows_the_slider():
    explorer = explore(book_rule, lr=(0.01, 10), steps=30)
    assert isinstance(explorer, d2lite.explorers.kernel_explorer.widgets.Widget)
    for lr in (0.4, 0.05, 2.5):
        explorer.sliders["lr"].value = lr  # set from Python: redraws at once
        expected = plain_loop(book_rule, 30, (-5.0, -2.0), lr=explorer.sliders["lr"].value, eps=1e-6)
        np.testing.assert_allclose(drawn_path(explorer), expected, rtol=1e-13)
        np.testing.assert_allclose(state_of(explorer)["path"], expected, rtol=1e-13)
    assert explorer.sliders["lr"].__class__.__name__ == "FloatLogSlider"
    assert (explorer.sliders["lr"].min, explorer.sliders["lr"].max) == (-2.0, 1.0)
    explorer.sliders["steps"].value = 7
    assert len(drawn_path(explorer)) == 8


def test_adagrad_beside_it_is_the_one_adagrad_and_its_rates_are_the_effective_rates():
    explorer = explore(gentler, steps=25, angle=30.0)
    q, start = d2lite.problems.quadratic.rotated_problem(30.0)
    reference, _, rates = d2lite.run(d2lite.optimizers.variants.book_adagrad(0.4), lambda x: q.grad(*x), start, 25)
    np.testing.assert_allclose(drawn_path(explorer, "Adagrad"), reference, rtol=1e-9, atol=1e-12)
    lines = explorer.canvas.rate_lines
    np.testing.assert_allclose(lines["Adagrad", 0].get_ydata(), rates[:, 0], rtol=1e-6)
    expected = plain_loop(gentler, 25, start, f_grad=q.grad)
    np.testing.assert_allclose(drawn_path(explorer), expected, rtol=1e-13)


def test_a_worked_variant_runs_beside_at_the_rules_rate():
    explorer = explore(gentler, compare={"RMSProp": d2lite.optimizers.variants.rmsprop(0.1, gamma=0.9)})
    explorer.sliders["lr"].value = 0.2
    q = quadratic_2d()
    variant = d2lite.run(d2lite.optimizers.variants.rmsprop(0.2, gamma=0.9), lambda x: q.grad(*x), (-5.0, -2.0), 20).points
    np.testing.assert_allclose(drawn_path(explorer, "RMSProp"), variant)
    # the learner's leaky average with eps inside the root is RMSProp's (d2lite.optimizers.variants)
    np.testing.assert_allclose(drawn_path(explorer), variant, rtol=1e-10)


@pytest.mark.parametrize("rule, line", [
    (lambda x1, x2, s1, s2: (x1 / s1, x2, s1, s2),
     r"^step 1: the rule raised ZeroDivisionError: float division by zero"),
    (lambda x1, x2, s1, s2: (x1, x2), r"^step 1: the rule returned 2 values; the book form returns 4"),
    (lambda x1, x2, s1, s2: (x1, x2, s1, "s2"), r"^step 1: s2 = 's2' is not a number$"),
    (lambda x1, x2, s1, s2, lr=10.0: (x1 * lr ** 100, x2, s1, s2),
     r"^step 4: x1 = -inf \(not finite\); the path is drawn up to step 3$"),
    (lambda x, s, g: (x[:1], s), r"^step 1: x has shape \(1,\); it must have shape \(2,\)$"),
])
def test_a_bad_rule_gives_one_clear_line(rule, line):
    run = run_rule(rule, None, steps=10)
    assert re.search(line, run.problem), run.problem
    assert "\n" not in run.problem
    assert len(run.points) == int(re.search(r"step (\d+)", run.problem).group(1))


def test_the_error_line_names_the_line_of_the_rule_and_the_sliders_stay_usable():
    source = "def risky(x1, x2, s1, s2, lr=0.4, shift=0.0):\n    g1 = 0.2 * x1\n" \
             "    return x1 - lr * g1 / (shift - 0.5), x2 / shift, s1, s2\n"
    scope: dict = {}
    exec(compile(source, "<learner>", "exec"), scope)  # noqa: S102 - a learner's cell
    explorer = explore(scope["risky"], shift=(0.0, 1.0))
    assert explorer.run.problem.startswith("step 1: the rule raised ZeroDivisionError")
    assert explorer.canvas.alarm.get_visible() and "ZeroDivisionError" in explorer.canvas.alarm.get_text()
    explorer.sliders["shift"].value = 0.25  # a good setting: the path comes back
    assert explorer.run.problem is None and len(explorer.run.points) == 21
    assert not explorer.canvas.alarm.get_visible()


def test_the_line_number_is_reported_when_the_source_is_known():
    run = run_rule(book_rule, None, steps=3, eps=-2.0)  # the root of s1 - 2 = -1
    assert run.problem.startswith("step 1: the rule raised ValueError: math domain error")
    assert "(line 6 of the rule: x1 -= lr / math.sqrt(s1 + eps) * g1)" in run.problem


def test_a_rule_that_runs_too_long_is_stopped_with_a_message():
    def forever(x1, x2, s1, s2):
        while True:
            x1 += 0.0

    run = run_rule(forever, None, steps=5, time_limit=0.2)
    assert run.problem == "step 1: the rule ran longer than 0.2 s and was stopped"
    explorer = explore(forever, time_limit=0.2)
    assert "ran longer than 0.2 s" in explorer.canvas.alarm.get_text()


def test_forms_and_hyperparameters_are_read_from_the_signature():
    assert rule_form(book_rule) == "book" and rule_form(gentler) == "book"
    assert rule_form(lambda x, s, g, lr=0.1: (x - lr * g, s)) == "arrays"
    assert hyperparameters(gentler) == {"lr": 0.4, "gamma": 0.9, "eps": 1e-6}
    with pytest.raises(TypeError, match=r"rule must take \(x1, x2, s1, s2\).*takes \['a', 'b'\]"):
        explore(lambda a, b: (a, b))
    with pytest.raises(TypeError, match=r"\['beta'\] name no hyperparameter of the rule"):
        explore(book_rule, beta=(0, 1))
    with pytest.raises(ValueError, match="has no f_grad parameter"):
        explore(book_rule, angle=45)
    with pytest.raises(ValueError, match=r"lr must be a range \(low, high\) holding the rule's default 0.4"):
        explore(book_rule, lr=(1, 10))


def test_an_update_on_arrays_explores_too():
    def sign_descent(x, s, g, lr=0.1):
        return x - lr * np.sign(g), s

    explorer = explore(sign_descent, steps=10)
    np.testing.assert_allclose(explorer.run.points[-1], [-4.0, -1.0])
    np.testing.assert_allclose(explorer.run.rates[0], [0.1 / 1.0, 0.1 / 8.0])  # step / gradient


def test_the_stored_image_carries_the_kernel_note_and_the_text_says_so():
    explorer = explore(book_rule)
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert "needs a running kernel" in bundle["text/plain"]
    # the still with its text alternative, for the site and for d2lite.alttext's check
    from d2lite.alttext import images_missing_alt

    assert bundle["image/png"] in bundle["text/html"] and not images_missing_alt(bundle["text/html"])
    assert 'alt="Your rule&#x27;s path, 20 steps from (-5, -2)' in bundle["text/html"]
    assert explorer.canvas.footer.get_text() == KERNEL_NOTE  # drawn into the stored image
    explorer.sliders["lr"].value = 0.5
    assert explorer.canvas.footer.get_text() == ""  # and not into the live one
    assert KERNEL_NOTE in explorer.figure.value and 'alt="Your rule' in explorer.figure.value


def test_dragging_redraws_by_blitting_not_from_scratch():
    explorer = explore(book_rule, steps=100)
    full = explorer.canvas.full_draws
    for lr in np.geomspace(0.3, 0.6, 12):
        explorer.sliders["lr"].value = float(lr)
    assert explorer.canvas.full_draws - full <= 2 and explorer.canvas.frames >= 10


def _drag_in_a_running_loop(explorer, name, values) -> list[bool]:
    """Set ``name`` to each value from inside a running asyncio loop (as the kernel's comm
    handler does), then let the loop run past SETTLE; returns each frame's ``settled`` flag."""
    import asyncio

    from d2lite.explorers.kernel_explorer import SETTLE

    flags = []

    async def drag():
        for value in values:
            explorer.sliders[name].value = value
            flags.append(json.loads(_state(explorer))["settled"])
            await asyncio.sleep(0.001)  # the next move comes well before SETTLE
        await asyncio.sleep(SETTLE + 0.2)

    asyncio.run(drag())
    return flags


def _state(explorer) -> str:
    import html as html_module
    return html_module.unescape(re.search(r'data-state="([^"]*)"', explorer.figure.value).group(1))


@pytest.mark.parametrize("name, values", [
    ("lr", [float(v) for v in np.geomspace(0.04, 2.5, 25)]),   # the paths shrink and grow
    ("x1", [float(v) for v in np.linspace(-5, 7.5, 25)]),     # the start leaves the window
    ("angle", [float(v) for v in np.linspace(0, 80, 25)]),    # the contours turn
    ("steps", list(range(20, 180, 7))),                        # the rate panel is outgrown
])
def test_a_drag_in_the_kernel_never_redraws_whole_and_settles_after(name, values):
    explorer = explore(gentler, steps=20)
    full = explorer.canvas.full_draws
    flags = _drag_in_a_running_loop(explorer, name, values)
    during = explorer.canvas.full_draws - full
    # every move drew a frame on the kept window; at least one found it no longer fitting, and
    # the one full redraw came once the slider was still, leaving a figure that fits
    assert not all(flags), f"{name}: the window always fitted, the test moved too little"
    assert during == 1, f"{name}: {during} full redraws for one drag (one, after it, expected)"
    assert json.loads(_state(explorer))["settled"] and explorer.canvas.stale is None
    np.testing.assert_array_equal(explorer.canvas.path_lines["your rule"].get_xydata(),
                                  explorer.run.points)


def test_the_contours_turn_with_the_angle_without_a_full_redraw():
    explorer = explore(gentler, steps=20)
    q, _ = explorer.problem()
    before = explorer.canvas.contour_line.get_xydata().copy()
    _drag_in_a_running_loop(explorer, "angle", [20.0])
    q, _ = explorer.problem()
    xy = explorer.canvas.contour_line.get_xydata()
    ok = np.isfinite(xy[:, 0])
    levels = q(xy[ok, 0], xy[ok, 1])
    assert not np.allclose(before[np.isfinite(before[:, 0])][:5], xy[ok][:5])
    # each ellipse is one level set of the turned objective
    assert len(np.unique(levels.round(9))) == (~ok).sum()


def _namer_config(explorer) -> tuple[str, dict]:
    """The script of the explorer's hidden Output and the config it calls nameSliders with."""
    (output,) = explorer.namer.outputs
    assert output["output_type"] == "display_data"
    # only the script: a front end that runs none shows nothing (no "<Javascript object>" text)
    assert set(output["data"]) == {"application/javascript"}
    code = output["data"]["application/javascript"]
    match = re.search(r"\nnameSliders\(element, (\{.*\})\);\n", code)
    assert match, code[-300:]
    return code, json.loads(match.group(1))


def test_the_script_names_this_explorers_own_sliders_by_their_labels():
    from importlib.resources import files

    explorer = explore(gentler, lr=(0.01, 10), steps=30)
    code, config = _namer_config(explorer)
    # the package's own file, as shipped (package data), not a copy
    assert files("d2lite.explorers.web").joinpath("slider_names.js").read_text("utf-8") in code
    assert explorer.namer in explorer.children and explorer.namer.layout.display == "none"
    assert config["root"] in explorer._dom_classes
    assert config["root"] != _namer_config(explore(gentler))[1]["root"]  # one class per explorer
    assert len(config["sliders"]) == len(explorer.sliders) == 7
    for name, slider in explorer.sliders.items():
        mine = [c for c in slider._dom_classes if c in config["sliders"]]
        assert mine == [f"{config['root']}-{name}"], (name, slider._dom_classes)
        label = config["sliders"][mine[0]]
        assert label.startswith(slider.description)  # the visible label is in the name (2.5.3)
        assert label.endswith(", log scale") == (type(slider).__name__ == "FloatLogSlider"), label
    assert config["sliders"][f"{config['root']}-lr"] == "lr, log scale"
    assert config["sliders"][f"{config['root']}-gamma"] == "gamma"
    assert config["sliders"][f"{config['root']}-angle"] == "angle °"
    assert config["status"] in explorer.status._dom_classes and explorer.status in explorer.children


def test_the_script_is_valid_javascript():
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("no node to parse the script with")
    code, _ = _namer_config(explore(book_rule))
    # node --check parses without running; the emitted call is an expression statement
    done = subprocess.run([node, "--check", "-"], input=code, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    broken = subprocess.run([node, "--check", "-"], input=code.replace("});", "}"),
                            capture_output=True, text=True)
    assert broken.returncode != 0  # the check can fail


def test_the_js_file_is_package_data():
    import fnmatch
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["d2lite.explorers.web"]
    assert "d2lite.explorers.web" in pyproject["tool"]["setuptools"]["packages"]
    assert any(fnmatch.fnmatch("slider_names.js", p) for p in patterns), patterns


def _status(explorer) -> str:
    import html as html_module

    text = re.fullmatch(r"<p>(.*)</p>", explorer.status.value).group(1)
    return html_module.unescape(text)


def _alt(explorer) -> str:
    import html as html_module

    return html_module.unescape(re.search(r' alt="([^"]*)"', explorer.figure.value).group(1))


def test_the_status_line_says_what_the_figure_shows_and_where_a_bad_rule_stopped():
    explorer = explore(book_rule, steps=30)
    status = _status(explorer)
    (x1, x2) = explorer.run.points[-1]
    assert status.startswith(f"Your rule's path, 30 steps from (-5, -2), ends at ({x1:.3g}, {x2:.3g})")
    assert _alt(explorer).startswith(status) and len(_alt(explorer)) > len(status)
    explorer.sliders["lr"].value = 2.0
    assert _status(explorer) != status and _alt(explorer).startswith(_status(explorer))

    source = "def risky(x1, x2, s1, s2, lr=0.4, shift=0.0):\n    return x1, x2 / shift, s1, s2\n"
    scope: dict = {}
    exec(compile(source, "<learner>", "exec"), scope)  # noqa: S102 - a learner's cell
    explorer = explore(scope["risky"], shift=(0.0, 1.0))
    assert explorer.run.problem in _status(explorer)
    assert "step 1: the rule raised ZeroDivisionError" in _status(explorer)


def test_a_diverging_path_is_said_in_the_status_line():
    def descent(x1, x2, s1, s2, f_grad, lr=0.1):
        g1, g2 = f_grad(x1, x2)
        return x1 - lr * g1, x2 - lr * g2, s1, s2

    explorer = explore(descent, lr=(0.01, 1.0), steps=200)
    assert "diverged" not in _status(explorer)  # 1 - 4 lr = 0.6: it converges
    explorer.sliders["lr"].value = 1.0  # x2 is multiplied by 1 - 4 = -3 at every step
    from d2lite.book.plotting import _shown

    drawn = len(_shown(explorer.run.points))
    assert drawn < len(explorer.run.points)
    assert f"Your rule diverged at step {drawn}." in _status(explorer), _status(explorer)


def test_the_status_line_waits_while_a_slider_is_dragged():
    explorer = explore(gentler, steps=20)
    before = _status(explorer)
    explorer.redraw(fast=True)  # a frame sent during a drag
    explorer.sliders["steps"].unobserve_all()
    explorer.sliders["steps"].value = 5
    explorer.redraw(fast=True)
    assert _status(explorer) == before  # not read out frame by frame
    explorer.redraw()  # the still frame
    assert _status(explorer).startswith("Your rule's path, 5 steps")
