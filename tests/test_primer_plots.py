"""The primer's network diagram draws what the model holds: one line per weight, one circle per
unit, the parameter count in the title; anything it cannot draw is a ValueError."""

import numpy as np
import pytest
import torch
from torch import nn

from helpers.networks import make_mlp
from helpers.plots.primer import network_diagram, network_layers


def tiny():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))


def test_one_line_per_weight_and_sign_as_colour():
    model = tiny()
    figure = network_diagram(model)
    ax = figure.axes[0]
    lines = [line for line in ax.lines if line.get_gid() == "weight"]
    assert len(lines) == 2 * 4 + 4 * 1
    first = model[0].weight.detach().numpy()
    # lines are drawn layer by layer, output unit j, input unit i: the first is W[0, 0]
    expected = "tab:blue" if first[0, 0] >= 0 else "tab:red"
    assert lines[0].get_color() == expected
    widths = np.array([line.get_linewidth() for line in lines])
    magnitudes = np.abs(np.r_[first.ravel(), model[2].weight.detach().numpy().ravel()])
    assert np.argmax(widths) == np.argmax(magnitudes)  # the thickest line is the largest weight
    units = sum(len(c.get_offsets()) for c in ax.collections)
    assert units == 2 + 4 + 1
    assert ax.get_title().startswith("17 parameters")  # 2·4 + 4 + 4·1 + 1
    assert figure._repr_png_()[:4] == b"\x89PNG"


def test_the_course_mlp_has_1185_parameters_as_drawn():
    weights, biases, activations = network_layers(make_mlp(seed=0).layers)
    assert sum(w.size + b.size for w, b in zip(weights, biases, strict=True)) == 1185
    assert activations == ["tanh", "tanh", ""]


def test_a_lone_linear_layer_is_a_network_too():
    weights, biases, activations = network_layers(nn.Linear(1, 1))
    assert [w.shape for w in weights] == [(1, 1)] and activations == [""]


@pytest.mark.parametrize(
    ("model", "says"),
    [
        (nn.Sequential(nn.Tanh(), nn.Linear(2, 1)), "cannot draw Tanh"),
        (nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.ReLU()), "cannot draw ReLU"),
        (nn.Sequential(nn.Linear(2, 3), nn.Linear(4, 1)), "4 inputs follows one with 3"),
        (nn.Sequential(nn.Conv2d(1, 2, 3)), "only linear layers"),
        (nn.Sequential(), "no linear layer"),
    ],
)
def test_what_cannot_be_drawn_is_a_value_error(model, says):
    with pytest.raises(ValueError, match="model") as error:
        network_diagram(model)
    assert says in str(error.value)
