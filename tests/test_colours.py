"""One colour per optimizer: distinct colours, names and aliases resolved, clear errors; and the
palette is safe for colour-vision deficiencies (CIEDE2000 under simulated dichromacy) and has the
contrast WCAG 2.2 asks of graphics."""
import itertools

import matplotlib.colors as mcolors
import numpy as np
import pytest

from d2lite.style import OPTIMIZER_COLOURS, OPTIMIZER_DASHES, ROLE_COLOURS, colour_of, style_of
from tests.colour_vision import (MACHADO, ciede2000, contrast, hex_to_srgb, seen_difference,
                                 simulate)


def test_every_optimizer_has_its_own_valid_colour():
    values = list(OPTIMIZER_COLOURS.values())
    assert len(set(values)) == len(values)
    assert all(mcolors.is_color_like(v) for v in values)


@pytest.mark.parametrize("alias, name", [("SGD", "gradient descent"), ("minibatch SGD", "gradient descent"),
                                         ("adagrad", "Adagrad"), ("rmsprop", "RMSProp"),
                                         ("count", "count clock")])
def test_aliases_and_case_resolve_to_the_same_colour(alias, name):
    assert colour_of(alias) == OPTIMIZER_COLOURS[name]
    assert style_of(alias)["color"] == OPTIMIZER_COLOURS[name]


def test_an_unknown_name_lists_the_accepted_ones():
    with pytest.raises(ValueError, match="name must be one of .*Adagrad"):
        colour_of("Adadelta")
    with pytest.raises(TypeError, match="name must be"):
        colour_of(3)
    with pytest.raises(ValueError, match="name must be one of"):
        style_of("Adadelta")


# --- the colour science itself, against published values -------------------------------------

@pytest.mark.parametrize("lab1, lab2, expected", [  # Sharma, Wu and Dalal (2005), table 1
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
])
def test_ciede2000_matches_sharma_reference_pairs(lab1, lab2, expected):
    assert ciede2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(np.array(lab2), np.array(lab1)) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("deficiency, rgb, expected", [  # colour-science 0.4.7's Machado 2009
    ("protanopia", (1, 0, 0), (0.4266, 0.3727, 0.0)),
    ("protanopia", (0, 1, 0), (1.0, 0.8994, 0.0)),
    ("deuteranopia", (1, 0, 0), (0.6401, 0.5658, 0.0)),
    ("deuteranopia", (0, 1, 0), (0.9361, 0.8392, 0.2292)),
])
def test_simulated_dichromacy_matches_a_reference_implementation(deficiency, rgb, expected):
    assert simulate(np.array(rgb, dtype=float), deficiency) == pytest.approx(expected, abs=1e-3)
    grey = np.full(3, 0.5)  # every Machado matrix keeps greys grey
    assert simulate(grey, deficiency) == pytest.approx(grey, abs=1e-3)


def test_contrast_matches_wcag_reference_values():
    assert contrast("#000000") == pytest.approx(21.0)
    assert contrast("#767676") == pytest.approx(4.54, abs=0.01)  # the lightest AA grey on white
    assert contrast("#ffffff") == pytest.approx(1.0)
    with pytest.raises(ValueError, match="colour must be"):
        hex_to_srgb("#fff")


# --- the palette ------------------------------------------------------------------------------

PAIRS = list(itertools.combinations(OPTIMIZER_COLOURS, 2))


@pytest.mark.parametrize("deficiency", sorted(MACHADO))
def test_every_two_optimizers_differ_for_a_dichromat(deficiency):
    # every pair, not only the pairs that share a figure today: any two may meet in a new one
    distances = {(a, b): seen_difference(OPTIMIZER_COLOURS[a], OPTIMIZER_COLOURS[b], deficiency)
                 for a, b in PAIRS}
    closest = min(distances, key=distances.get)
    assert distances[closest] >= 10, f"{closest} are only {distances[closest]:.1f} apart"


def test_every_two_optimizers_differ_in_ordinary_vision_too():
    labs = {name: hex_to_srgb(value) for name, value in OPTIMIZER_COLOURS.items()}
    from tests.colour_vision import srgb_to_lab
    assert min(ciede2000(srgb_to_lab(labs[a]), srgb_to_lab(labs[b])) for a, b in PAIRS) >= 15


@pytest.mark.parametrize("name, value", [*OPTIMIZER_COLOURS.items(), *ROLE_COLOURS.items()])
def test_every_colour_has_3_to_1_on_white(name, value):
    assert contrast(value) >= 3.0, f"{name} {value}: {contrast(value):.2f}:1"


@pytest.mark.parametrize("deficiency", sorted(MACHADO))
@pytest.mark.parametrize("a, b", [("x1", "x2"), ("preconditioned", "gradient descent"),
                                  ("preconditioned", "Adagrad"), ("contour", "Adagrad"),
                                  ("contour", "gradient descent"), ("contour", "preconditioned")])
def test_the_explorers_other_colours_differ_from_their_neighbours(a, b, deficiency):
    colours = {**ROLE_COLOURS, **OPTIMIZER_COLOURS}
    assert seen_difference(colours[a], colours[b], deficiency) >= 10


def test_every_optimizer_has_its_own_dash():
    assert set(OPTIMIZER_DASHES) == set(OPTIMIZER_COLOURS)
    dashes = [str(d) for d in OPTIMIZER_DASHES.values()]
    assert len(set(dashes)) == len(dashes)
    import matplotlib.lines as mlines
    for dash in OPTIMIZER_DASHES.values():  # each is a line style matplotlib accepts
        mlines.Line2D([0, 1], [0, 1], linestyle=dash)


@pytest.mark.parametrize("deficiency", sorted(MACHADO))
@pytest.mark.parametrize("beside", ["Adagrad", "RMSProp", "AdaGrad-Norm", "power 1/4", "Adam"])
def test_the_learners_rule_differs_from_what_explore_draws_beside_it(beside, deficiency):
    from d2lite.style import LEARNER_COLOURS
    mine = LEARNER_COLOURS["your rule"]
    assert contrast(mine) >= 3.0
    assert seen_difference(mine, OPTIMIZER_COLOURS[beside], deficiency) >= 10


# --- the palette of the lines that are not optimizers -----------------------------------------

from d2lite.style import OTHER_COLOURS, OTHER_DASHES, other_colour, other_style, other_styles  # noqa: E402
from tests.colour_vision import DEFICIENCIES, srgb_to_lab  # noqa: E402


def _normal_difference(a, b):
    return ciede2000(srgb_to_lab(hex_to_srgb(a)), srgb_to_lab(hex_to_srgb(b)))


def test_the_tritanopia_matrix_keeps_greys_grey_and_moves_blue():
    grey = np.full(3, 0.5)
    assert simulate(grey, "tritanopia") == pytest.approx(grey, abs=1e-3)
    blue = simulate(np.array([0.0, 0.0, 1.0]), "tritanopia")
    assert blue[1] > 0.3  # a tritanope sees pure blue as a blue-green (Machado 2009, fig. 6)


def test_no_other_line_reuses_an_optimizer_colour():
    assert len(set(OTHER_COLOURS)) == len(OTHER_COLOURS) >= 5
    taken = {c.lower() for c in [*OPTIMIZER_COLOURS.values(), *ROLE_COLOURS.values()]}
    assert not taken & {c.lower() for c in OTHER_COLOURS}


@pytest.mark.parametrize("deficiency", ["normal", *sorted(DEFICIENCIES)])
def test_every_two_other_colours_differ_for_every_dichromat(deficiency):
    measure = (_normal_difference if deficiency == "normal" else
               lambda a, b: seen_difference(a, b, deficiency))
    closest = min(itertools.combinations(OTHER_COLOURS, 2), key=lambda p: measure(*p))
    assert measure(*closest) >= 11, f"{closest}: {measure(*closest):.1f} ({deficiency})"


@pytest.mark.parametrize("deficiency", ["normal", *sorted(DEFICIENCIES)])
def test_every_other_colour_differs_from_every_optimizer_colour(deficiency):
    measure = (_normal_difference if deficiency == "normal" else
               lambda a, b: seen_difference(a, b, deficiency))
    pairs = [(o, n) for o in OTHER_COLOURS for n in OPTIMIZER_COLOURS]
    closest = min(pairs, key=lambda p: measure(p[0], OPTIMIZER_COLOURS[p[1]]))
    gap = measure(closest[0], OPTIMIZER_COLOURS[closest[1]])
    assert gap >= 10, f"{closest}: {gap:.1f} ({deficiency})"


@pytest.mark.parametrize("value", OTHER_COLOURS)
def test_every_other_colour_has_3_to_1_on_white(value):
    assert contrast(value) >= 3.0, f"{value}: {contrast(value):.2f}:1"


def test_the_other_styles_resolve_and_differ_by_dash_too():
    assert len(OTHER_DASHES) == len(OTHER_COLOURS)
    assert len({str(d) for d in OTHER_DASHES}) == len(OTHER_DASHES)
    styles = other_styles(len(OTHER_COLOURS))
    assert [s["color"] for s in styles] == list(OTHER_COLOURS)
    assert other_style(3) == {"color": other_colour(3), "linestyle": OTHER_DASHES[3]}
    import matplotlib.lines as mlines
    for style in styles:
        mlines.Line2D([0, 1], [0, 1], **style)


@pytest.mark.parametrize("bad", [-1, 6, 2.0, True, "0"])
def test_a_bad_index_names_the_argument(bad):
    with pytest.raises((ValueError, TypeError), match="i must be"):
        other_colour(bad)
    with pytest.raises(ValueError, match="n must be an int from 0 to 6"):
        other_styles(7)
