"""The Python side of the in-page explorers: the HTML they write and the grids they ship.

What the JavaScript computes is checked against d2lite in Chromium by tests/e2e/test_parity.py;
here: the HTML is self-contained and reproducible, the sliders are checked, the training grids
are exactly the runs of the one training loop, and every explorer stays under its size budget.
"""
import base64
import json
import re

import numpy as np
import pytest

from d2lite.explorers import page
from d2lite.book.data import make_loader
from d2lite.explorers.figures import lr_explorer_data
from d2lite.book.scratch import adagrad, init_adagrad_states, sgd
from d2lite.problems.sparse import RATE_RULES, make_sparse_regression, train_sparse_sgd
from d2lite.book.training import train_scratch

MAX_BYTES = 300_000


def parts(html: str) -> dict:
    config = re.search(r'<script type="application/json" class="d2lite-config">(.*?)</script>',
                       html, re.S).group(1)
    png = re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1)
    return {"config": json.loads(config.replace("<\\/", "</")), "png": base64.b64decode(png)}


def test_html_holds_a_still_png_the_config_and_the_script_and_is_reproducible():
    explorer = page.rotation_explorer()
    html = explorer.html()
    found = parts(html)
    assert found["png"].startswith(b"\x89PNG")
    assert found["config"]["kind"] == "rotation"
    assert [s["name"] for s in found["config"]["sliders"]] == ["angle"]
    assert '<script type="module">' in html and 'data-role="reason"' in html
    assert "http://" not in html and "https://" not in html  # nothing fetched, ever
    assert page.rotation_explorer().html() == html  # same cell, same stored output
    bundle = explorer._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}


def test_bundle_is_one_module_without_imports_and_cannot_close_its_script_early():
    source = page.bundle()
    assert not re.search(r"^\s*(import|export) ", source, re.M)
    for name in page.SOURCES:
        assert f"// ---- d2lite/explorers/web/{name}" in source
    html = page.PageExplorer("lr", [page.log_slider("lr", "lr", 0.1, 0.01, 1)], b"png",
                             data={"x": "</script>"}).html()
    assert html.count("</script>") == html.count("<script") == 2  # data cannot end a script


def test_sliders_reject_values_outside_their_range_and_unknown_kinds():
    with pytest.raises(ValueError, match="value must lie in"):
        page.linear_slider("a", "a", 5.0, 0.0, 1.0, 0.1)
    with pytest.raises(ValueError, match="step"):
        page.linear_slider("a", "a", 0.5, 0.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="kind must be one of"):
        page.PageExplorer("bogus", [page.linear_slider("a", "a", 0.5, 0, 1, 0.1)], b"")
    with pytest.raises(ValueError, match="distinct names"):
        s = page.linear_slider("a", "a", 0.5, 0, 1, 0.1)
        page.PageExplorer("lr", [s, s], b"")


def test_log_slider_positions_run_from_end_to_end():
    positions = page.log_slider("eta", "eta", 0.4, 0.01, 10.0).positions
    assert len(positions) == 31 and positions[0] == 0.01 and positions[-1] == 10.0


def test_log_codes_keep_values_to_a_tenth_of_a_percent():
    values = np.geomspace(1e-9, 1e5, 1001)
    back = page.decode_log(page.encode_log(values))
    assert np.max(np.abs(back / values - 1)) < 7e-4
    assert np.isnan(page.decode_log(page.encode_log([np.inf, np.nan, 0.0]))).all()


def test_lr_grid_is_exactly_the_training_loop_run_once_per_rate(capsys):
    X, y = lr_explorer_data(200)
    rates = [0.003, 0.3, 8.0]
    grid = page.lr_grid(rates, X, y, num_epochs=2, seed=1)
    for i, lr in enumerate(rates):
        for name, fn, states in (("Adagrad", adagrad, init_adagrad_states(X.shape[1])),
                                 ("minibatch SGD", sgd, None)):
            history = train_scratch(fn, states, {"lr": lr}, make_loader(X, y, 10, 1),
                                    X.shape[1], num_epochs=2, seed=1)
            np.testing.assert_array_equal(grid[name][i], history.losses)
    assert not np.isfinite(grid["minibatch SGD"][2]).all()  # SGD at rate 8 blows up


def test_sparse_grid_holds_each_rules_own_run_at_each_rate():
    # train_side_by_side is proven equal to train_sparse_sgd in test_sparse; here: the grid puts
    # every run where the page looks for it
    exponents, rates = [0.0, 1.5], [0.05, 3.0]
    grid = page.sparse_grid(exponents, rates, num_features=60, num_examples=300)
    assert grid["test_loss"].shape == (2, 3, 2, len(grid["steps"]))
    for e, exponent in enumerate(exponents):
        data = make_sparse_regression(60, 300, zipf_exponent=exponent, num_test=300, seed=0)
        for r, name in enumerate(page.SPARSE_RULES):
            offsets = 10.0 if name != "adagrad" else None
            run = train_sparse_sgd(data, RATE_RULES[name], rates, offsets, num_records=15)
            np.testing.assert_allclose(grid["test_loss"][e, r], run.test_loss, rtol=1e-12)
            np.testing.assert_array_equal(grid["diverged"][e, r], run.diverged)


@pytest.mark.slow
@pytest.mark.parametrize("make", [page.algorithm_explorer, page.preconditioning_explorer,
                                  page.rotation_explorer, page.sparse_explorer,
                                  page.scratch_lr_explorer])
def test_every_explorer_stays_under_its_size_budget(make):
    html = make().html()
    assert len(html.encode()) <= MAX_BYTES, f"{make.__name__}: {len(html) / 1e3:.0f} kB"
    assert parts(html)["png"].startswith(b"\x89PNG")


def test_the_pages_default_colours_are_the_tables():
    """plot.js's fallback COLOURS (used before a config arrives) agree with d2lite.style."""
    import re

    from d2lite.explorers.page import WEB, palette
    text = (WEB / "plot.js").read_text(encoding="utf-8")
    block = text[text.index("export const COLOURS"):text.index("};", text.index("export const COLOURS"))]
    defaults = dict(re.findall(r'(\w+): "(#[0-9a-f]{6})"', block))
    for role, value in palette().items():
        assert defaults[role] == value, role
