"""The page's JavaScript core computes what d2lite's Python computes, checked in Chromium.

``d2lite/explorers/web/quadratic.js`` is loaded into a blank page (no server: ``page.set_content`` with the
inline bundle of :func:`d2lite.explorers.page.bundle`), run on random settings of the three 2-D explorers
(every slider's two ends among them, plus start points as a drag would give), and compared with
d2lite's own functions (the ones the still images draw): the points of every path, Adagrad's
effective rates (``d2lite.run`` of ``book_adagrad``), the preconditioning explorer's three
paths (``d2lite.explorers.figures.preconditioning_runs``), the rotation explorer's paths and sweep
(``d2lite.problems.quadratic.rotated_problem``, ``rotation_sweep``).  The largest relative difference is
printed and must be at most 1e-12; a run that diverges must stop being drawn at the same step.
The training explorers compute nothing in the page: the last test checks that what they draw is
the runs d2lite trained, at every position of the learning-rate slider and at the corners of the
sparse explorer's grid.
"""
from __future__ import annotations

import base64
import json
import math
import warnings

import numpy as np
import pytest

from d2lite.explorers import page
from d2lite.explorers.figures import preconditioning_runs
from d2lite.problems.quadratic import quadratic_2d, rotated_problem, rotation_sweep
from d2lite.book.trace2d import OFF_CHART, f_2d_grad, gd_2d, train_2d
from d2lite.optimizers.run import run
from d2lite.optimizers.variants import book_adagrad

pytestmark = pytest.mark.e2e

TOLERANCE = 1e-12
SETTINGS_PER_KIND = 240
EXPOSE = ("window.core = {adagradRun, gdRun, preconditioningRuns, rotationRuns, rotationSweep,"
          " shownCount, CHAPTER, algorithm, preconditioning, TINY};")


@pytest.fixture(scope="module")
def core_page(browser):
    """A Chromium page with the JavaScript core on ``window.core``."""
    tab = browser.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.set_content("<!doctype html><meta charset='utf-8'><script type='module'>\n"
                    + page.bundle() + "\n" + EXPOSE + "\n</script>")
    tab.wait_for_function("window.core !== undefined", timeout=10_000)
    assert not errors, errors
    yield tab
    tab.close()


def slider_values(explorer: page.PageExplorer, rng: np.random.Generator, count: int) -> list[dict]:
    """``count`` random settings on the sliders' positions, each slider's two ends first."""
    positions = {s.name: s.positions for s in explorer.sliders}
    settings = []
    for name, values in positions.items():
        for end in (values[0], values[-1]):
            setting = {n: v[rng.integers(len(v))] for n, v in positions.items()}
            settings.append({**setting, name: end})
    while len(settings) < count:
        settings.append({n: v[rng.integers(len(v))] for n, v in positions.items()})
    return [{k: float(v) for k, v in s.items()} for s in settings]


def shown(points: np.ndarray) -> int:
    """Leading points that are finite and within OFF_CHART (d2lite.book.trace2d draws that many)."""
    ok = np.all(np.isfinite(points), axis=1) & (np.abs(points).max(axis=1) <= OFF_CHART)
    return len(points) if ok.all() else int(np.argmin(ok))


class Worst:
    """The largest relative difference seen, and where."""

    def __init__(self) -> None:
        self.value, self.where, self.count = 0.0, "", 0

    def compare(self, js, py, where: str) -> None:
        js, py = np.asarray(js, dtype=float), np.asarray(py, dtype=float)
        assert js.shape == py.shape, f"{where}: shapes {js.shape} (JS) and {py.shape} (Python)"
        finite = np.isfinite(py)
        assert np.array_equal(finite, np.isfinite(js)), f"{where}: inf/NaN in different places"
        a, b = js[finite], py[finite]
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(b == a, 0.0, np.abs(a - b) / np.abs(b))
        self.count += a.size
        if rel.size and rel.max() > self.value:
            self.value, self.where = float(rel.max()), where


def js_points(raw) -> np.ndarray:
    return np.array([[float(v) for v in point] for point in raw], dtype=float)


def test_algorithm_explorer_matches_the_run(core_page):
    rng = np.random.default_rng(2024)
    settings = slider_values(page.algorithm_explorer(), rng, SETTINGS_PER_KIND)
    # a dragged start point is anywhere in the window, not only on the sliders' 0.5 grid
    for s in settings[len(settings) // 2:]:
        s["x1"], s["x2"] = (float(v) for v in rng.uniform(-12, 12, 2))
    script = """(settings) => settings.map(s => {
        const run = core.adagradRun(core.CHAPTER, s.lr, s.eps, [s.x1, s.x2], Math.round(s.steps));
        return {points: run.points.map(p => p.map(String)), rates: run.rates.map(p => p.map(String))};
    })"""
    results = core_page.evaluate(script, settings)
    worst, diverged = Worst(), 0
    for s, js in zip(settings, results):
        history = run(book_adagrad(s["lr"], s["eps"]), lambda x: f_2d_grad(*x), [s["x1"], s["x2"]],
                      int(round(s["steps"])))
        where = json.dumps(s)
        worst.compare(js_points(js["points"]), history.points, "points " + where)
        worst.compare(js_points(js["rates"]), history.rates, "rates " + where)
        diverged += shown(history.points) < len(history.points)
    print(f"\nalgorithm: {len(settings)} settings, {worst.count} numbers, largest relative "
          f"difference {worst.value:.3g} ({worst.where}); {diverged} diverged")
    assert worst.value <= TOLERANCE, worst.where


TITLE_JS = """([kind, settings]) => settings.map((s) => {
    const ex = core[kind], ctx = {uid: 't', frozen: {}, windows: {}, step: Infinity,
      start: kind === 'algorithm' ? [s.x1, s.x2] : [-5, -2], stacked: false};
    const drawn = ex.render(ex.compute(s, ctx, {steps: 30}), s, ctx, {steps: 30});
    return [...[].concat(drawn.svg).join("").matchAll(/<text[^>]*font-weight="600"[^>]*>([^<]*)<\\/text>/g)].map((m) => m[1]);
})"""


def printed(text: str) -> float:
    return float(text.replace("\u2212", "-"))


def test_explorer_titles_print_what_python_computes_and_bounds_not_noise(core_page):
    """The end point in 03's title and the f ratios in 02's are Python's numbers to the 3
    digits shown, and a value below TINY = 1e-12 is printed as that bound (after 180 steps at
    a large rate Adagrad's coordinates are like -2.4e-83: rounding-level noise, not data)."""
    import html
    import re

    tiny = core_page.evaluate("core.TINY")
    assert tiny == 1e-12
    rng = np.random.default_rng(180)
    settings = [{**s, "x1": -5.0, "x2": -2.0} for s in slider_values(page.algorithm_explorer(), rng, 60)]
    settings += [{"lr": lr, "eps": 1e-6, "steps": 180.0, "x1": -5.0, "x2": -2.0} for lr in (2, 3, 7, 10)]
    titles = [[html.unescape(t) for t in ts] for ts in core_page.evaluate(TITLE_JS, ["algorithm", settings])]
    bounds = 0
    for s, (title, *_) in zip(settings, titles):
        history = run(book_adagrad(s["lr"], s["eps"]), lambda x: f_2d_grad(*x), [s["x1"], s["x2"]],
                      int(round(s["steps"])))
        end = history.points[shown(history.points) - 1]
        match = re.search(r"at \((.*), (.*)\)$", title)
        assert match, title
        for text, value, name in zip(match.groups(), end, ("x₁", "x₂")):
            if 0 < abs(value) < tiny:
                assert text == f"|{name}| < 1e-12", (title, value)
                bounds += 1
            else:
                assert "e-" not in text or abs(value) >= tiny, title
                assert printed(text) == pytest.approx(value, rel=5e-3, abs=0), (title, value)
    assert bounds >= 6, f"only {bounds} coordinates fell below the bound: the test lost its case"
    # 02's titles: f(end)/f(start) of both runs, a bound below 1e-12 as well
    settings = slider_values(page.preconditioning_explorer(), rng, 40)
    settings += [{"condition": 1.0, "angle": 0.0, "lr_times_lambda_max": 1.0}]  # one step to 0
    titles = [[html.unescape(t) for t in ts] for ts in core_page.evaluate(TITLE_JS, ["preconditioning", settings])]
    for s, (_, _, original, _, preconditioned) in zip(settings, titles):
        runs = preconditioning_runs(s["condition"], s["angle"], s["lr_times_lambda_max"], steps=30)
        q, qt = runs["f"], runs["f_tilde"]
        for title, f, points in ((original, q, runs["plain"]), (preconditioned, qt, runs["rescaled"])):
            ratio = f(*points[-1]) / f(*points[0])
            if "diverged" in title:
                assert not np.isfinite(ratio) or ratio > 1e8, (title, ratio)
            elif ratio < tiny:
                assert "f(end) < 1e-12 · f(start)" in title, (title, ratio)
            else:
                text = re.search(r"f\(end\) = (\S+) f\(start\)", title).group(1)
                assert printed(text) == pytest.approx(ratio, rel=5e-2), (title, ratio)


def test_preconditioning_explorer_matches_python(core_page):
    rng = np.random.default_rng(7)
    settings = slider_values(page.preconditioning_explorer(), rng, SETTINGS_PER_KIND)
    for i, s in enumerate(settings):
        s["start"] = [-5.0, -2.0] if i % 2 == 0 else [float(v) for v in rng.uniform(-8, 8, 2)]
    script = """(settings) => settings.map(s => {
        const run = core.preconditioningRuns(s.condition, s.angle, s.lr_times_lambda_max, s.start, 30);
        const str = (pts) => pts.map(p => p.map(String));
        return {plain: str(run.plain), rescaled: str(run.rescaled), mappedBack: str(run.mappedBack)};
    })"""
    results = core_page.evaluate(script, settings)
    worst, unstable = Worst(), 0
    for s, js in zip(settings, results):
        runs = preconditioning_runs(s["condition"], s["angle"], s["lr_times_lambda_max"],
                                    steps=30, start=tuple(s["start"]))
        py = {name: np.array(runs[key]) for name, key in
              (("plain", "plain"), ("rescaled", "rescaled"), ("mappedBack", "mapped_back"))}
        for name, points in py.items():
            worst.compare(js_points(js[name]), points, f"{name} {json.dumps(s)}")
            assert shown(js_points(js[name])) == shown(points), f"{name} {s}: last drawn step"
        unstable += s["lr_times_lambda_max"] >= 2
    print(f"\npreconditioning: {len(settings)} settings, {worst.count} numbers, largest "
          f"relative difference {worst.value:.3g} ({worst.where}); {unstable} unstable")
    assert unstable > 0, "the settings should include unstable rates (lr_times_lambda_max >= 2)"
    assert worst.value <= TOLERANCE, worst.where


def test_rotation_explorer_matches_rotated_problem(core_page):
    rng = np.random.default_rng(11)
    settings = slider_values(page.rotation_explorer(), rng, SETTINGS_PER_KIND)
    for i, s in enumerate(settings):
        s["start"] = [-5.0, -2.0] if i % 2 == 0 else [float(v) for v in rng.uniform(-8, 8, 2)]
    sweep_angles = [float(a) for a in np.linspace(0, 90, 31)]
    script = """([settings, angles]) => settings.map(s => {
        const run = core.rotationRuns(s.angle, 0.4, 20, s.start);
        const sweep = core.rotationSweep(angles, 0.4, 20, s.start);
        const str = (pts) => pts.map(p => p.map(String));
        return {start: run.start.map(String), adagrad: str(run.adagrad), gd: str(run.gd),
                sweep: [sweep.adagrad.map(String), sweep.gd.map(String)]};
    })"""
    results = core_page.evaluate(script, [settings[:40], sweep_angles])  # the sweep is slow-ish
    results += core_page.evaluate(script.replace("core.rotationSweep(angles, 0.4, 20, s.start)",
                                                 "{adagrad: [], gd: []}"), [settings[40:], []])
    worst = Worst()
    for i, (s, js) in enumerate(zip(settings, results)):
        q, start = rotated_problem(s["angle"], start=tuple(s["start"]))
        where = json.dumps(s)
        worst.compare([float(v) for v in js["start"]], start, "start " + where)
        adagrad = run(book_adagrad(0.4), lambda x: q.grad(*x), start, 20).points  # as rotation_figure runs it
        gd = train_2d(gd_2d(0.4), 20, q.grad, start, verbose=False)
        worst.compare(js_points(js["adagrad"]), adagrad, "adagrad " + where)
        worst.compare(js_points(js["gd"]), gd, "gd " + where)
        if i < 40:
            sweep = rotation_sweep(sweep_angles, 0.4, 20, start=tuple(s["start"]))
            worst.compare([float(v) for v in js["sweep"][0]], sweep["adagrad"], "sweep " + where)
            worst.compare([float(v) for v in js["sweep"][1]], sweep["gd"], "sweep gd " + where)
    print(f"\nrotation: {len(settings)} settings, {worst.count} numbers, largest relative "
          f"difference {worst.value:.3g} ({worst.where})")
    assert worst.value <= TOLERANCE, worst.where
    assert math.isfinite(worst.value)


def test_diverging_runs_stop_at_the_same_step(core_page):
    """No explorer's sliders make a 2-D path leave the chart (Adagrad's steps are bounded, and
    30 unstable steps of the preconditioning explorer grow only about 17-fold), so divergence is
    checked here on purpose: gradient descent with rates up to 40 times the stable limit, run
    until the numbers overflow to inf and then NaN."""
    rng = np.random.default_rng(5)
    settings = [{"angle": float(rng.uniform(0, 90)), "kappa": float(10 ** rng.uniform(0, 3)),
                 "rate": float(rng.uniform(0.3, 20)), "steps": int(rng.integers(20, 400)),
                 "start": [float(v) for v in rng.uniform(-10, 10, 2)]} for _ in range(200)]
    script = """(settings) => settings.map(s => {
        const q = core.rotationRuns(s.angle, 0.4, 0, [0, 0], [4 / s.kappa, 4]).q;
        return core.gdRun(q, s.rate, s.start, s.steps).map(p => p.map(String));
    })"""
    results = core_page.evaluate(script, settings)
    worst, stopped, not_finite = Worst(), 0, 0
    for s, js in zip(settings, results):
        q = quadratic_2d((4 / s["kappa"], 4.0), s["angle"])
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.filterwarnings("ignore", "train_2d: the point became inf or NaN", RuntimeWarning)
            py = np.array(train_2d(gd_2d(s["rate"]), s["steps"], q.grad, tuple(s["start"]),
                                   verbose=False))  # diverging on purpose: its warning is expected
        js = js_points(js)
        worst.compare(js, py, json.dumps(s))
        assert shown(js) == shown(py), f"{s}: drawn up to step {shown(js)} (JS), {shown(py)} (Python)"
        stopped += shown(py) < len(py)
        not_finite += not np.isfinite(py).all()
    print(f"\ndiverging gradient descent: {len(settings)} runs, {stopped} left the chart, "
          f"{not_finite} reached inf/NaN; largest relative difference {worst.value:.3g}")
    assert stopped >= 100 and not_finite >= 20, "the settings should diverge, most of them"
    assert worst.value <= TOLERANCE, worst.where


def test_training_explorers_draw_the_runs_python_trained(core_page):
    """The page only selects among the runs d2lite trained: at every position of the learning-rate
    slider and at every (exponent, rate) corner of the sparse explorer, the curves it draws are
    the trained losses (the lr grid exactly; the sparse grid to its 16-bit codes, decoded the same
    way in Python)."""
    from d2lite.explorers.page import decode_log, scratch_lr_explorer, sparse_explorer

    lr_made, sparse_made = scratch_lr_explorer(), sparse_explorer()
    core_page.set_content("<!doctype html><meta charset='utf-8'><body>" + lr_made.html()
                          + sparse_made.html() + "</body>")
    core_page.wait_for_function("(window.d2liteExplorers || []).length === 2", timeout=20_000)
    lr_data = lr_made.data
    shown = core_page.evaluate("""(rates) => rates.map(r => {
        const h = window.d2liteExplorers[0]; h.set('lr', r); return h.state(); })""",
                               lr_data["rates"])
    for i, (rate, state) in enumerate(zip(lr_data["rates"], shown)):
        assert state["rate"] == rate
        runs = [lr_data["curves"][name][i] for name in ("Adagrad", "minibatch SGD")]
        for run, drawn in zip(runs, state["curves"]):
            losses = [lr_data["initial"], *run]
            finite = next((k for k, v in enumerate(losses) if v is None), len(losses))
            # JSON writes a float like 1.5e18 as an integer: compare as floats
            assert [float(y) for _, y in drawn] == losses[:finite], rate
        assert state["diverged"] == any(v is None for run in runs for v in run), rate
    data = sparse_made.data
    losses = decode_log(np.frombuffer(base64.b64decode(data["test_loss"]), "<u2"))
    losses = losses.reshape(len(data["exponents"]), 3, len(data["rates"]), data["records"])
    corners = [(e, r) for e in (0, len(data["exponents"]) // 2, len(data["exponents"]) - 1)
               for r in (0, len(data["rates"]) // 2, len(data["rates"]) - 1)]
    states = core_page.evaluate("""([corners, exps, rates]) => corners.map(([e, r]) => {
        const h = window.d2liteExplorers[1]; h.set('zipf_exponent', exps[e]); h.set('lr', rates[r]);
        return h.state(); })""", [corners, data["exponents"], data["rates"]])
    worst = 0.0
    for (e, r), state in zip(corners, states):
        assert state["exponent"] == data["exponents"][e] and state["rate"] == data["rates"][r]
        for k, curve in enumerate(state["curves"]):
            expected = losses[e, k, r]
            finite = int(np.argmin(np.isfinite(expected))) if not np.isfinite(expected).all() \
                else len(expected)
            drawn = np.array([float(y) for _, y in curve])
            assert len(drawn) == finite, (e, k, r)
            if finite:
                worst = max(worst, float(np.max(np.abs(drawn / expected[:finite] - 1))))
    print(f"\ntraining explorers: {len(lr_data['rates'])} lr positions exact; sparse corners "
          f"within {worst:.1e} of Python's decoding")
    assert worst <= TOLERANCE
