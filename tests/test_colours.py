"""One colour per optimizer: distinct colours, names and aliases resolved, clear errors."""
import matplotlib.colors as mcolors
import pytest

from d2lite.colours import OPTIMIZER_COLOURS, colour_of


def test_every_optimizer_has_its_own_valid_colour():
    values = list(OPTIMIZER_COLOURS.values())
    assert len(set(values)) == len(values)
    assert all(mcolors.is_color_like(v) for v in values)


@pytest.mark.parametrize("alias, name", [("SGD", "gradient descent"), ("minibatch SGD", "gradient descent"),
                                         ("adagrad", "Adagrad"), ("rmsprop", "RMSProp"),
                                         ("count", "count clock")])
def test_aliases_and_case_resolve_to_the_same_colour(alias, name):
    assert colour_of(alias) == OPTIMIZER_COLOURS[name]


def test_an_unknown_name_lists_the_accepted_ones():
    with pytest.raises(ValueError, match="name must be one of .*Adagrad"):
        colour_of("Adadelta")
    with pytest.raises(TypeError, match="name must be"):
        colour_of(3)
