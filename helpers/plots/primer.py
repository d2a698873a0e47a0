"""Figures for the PyTorch primer (notebook 00b): a small network drawn as layers and weights.

The figure reads the weights off any ``nn.Sequential`` of ``nn.Linear`` layers and element-wise
activations (``nn.Tanh``, ``nn.ReLU``, …) without importing torch itself: it only needs each
layer's ``weight`` and ``bias`` (``.detach().numpy()``), so ``import helpers.plots`` stays light.
"""

from __future__ import annotations

import numpy as np

from . import StaticFigure, new_figure

__all__ = ["network_layers", "network_diagram"]


def network_layers(model) -> tuple[list[np.ndarray], list[np.ndarray], list[str]]:
    """The weight matrices (shape out × in), bias vectors and activation names of ``model``.

    ``model`` is an ``nn.Sequential`` (or any iterable of modules) of linear layers, each
    optionally followed by one activation; a lone ``nn.Linear`` is a one-layer network.
    Raises ``ValueError`` for anything else (a convolution, two activations in a row, or layer
    widths that do not chain).
    """
    modules = [model] if hasattr(model, "weight") else list(model)
    weights, biases, activations = [], [], []
    for module in modules:
        if hasattr(module, "weight") and hasattr(module, "bias"):
            weight = np.asarray(module.weight.detach().cpu().numpy(), dtype=float)
            if weight.ndim != 2:
                raise ValueError(
                    f"model: layer {type(module).__name__} has a weight of shape {weight.shape}; "
                    "only linear layers (a 2-D weight) can be drawn"
                )
            if weights and weight.shape[1] != weights[-1].shape[0]:
                raise ValueError(
                    f"model: a layer with {weight.shape[1]} inputs follows one with "
                    f"{weights[-1].shape[0]} outputs"
                )
            bias = module.bias
            biases.append(
                np.zeros(weight.shape[0])
                if bias is None
                else np.asarray(bias.detach().cpu().numpy(), dtype=float)
            )
            weights.append(weight)
            activations.append("")
        elif weights and not activations[-1]:
            activations[-1] = type(module).__name__.lower()
        else:
            raise ValueError(
                f"model: cannot draw {type(module).__name__} here; the valid models are linear "
                "layers, each followed by at most one activation"
            )
    if not weights:
        raise ValueError("model: it has no linear layer to draw")
    return weights, biases, activations


def _sub(k: int) -> str:
    """k as subscript digits (h₁, W₂)."""
    return str(k).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def network_diagram(model, title: str | None = None) -> StaticFigure:
    """``model`` as a diagram: one column of units per layer, one line per weight.

    A line's width grows with the weight's size and its colour gives the sign (blue positive,
    red negative); each unit's label says what it computes (its activation, or "linear"). The
    title counts the weights and biases, which is the network's number of parameters.
    """
    weights, biases, activations = network_layers(model)
    widths = [weights[0].shape[1]] + [w.shape[0] for w in weights]
    parameters = sum(w.size + b.size for w, b in zip(weights, biases, strict=True))
    figure, ax = new_figure(2.6 * len(widths) + 1.5, 0.55 * max(widths) + 2.2)

    def height(layer: int) -> np.ndarray:
        return (np.arange(widths[layer]) - (widths[layer] - 1) / 2)[::-1]

    largest = max(np.abs(w).max() for w in weights) or 1.0
    for layer, weight in enumerate(weights):
        y_in, y_out = height(layer), height(layer + 1)
        for j in range(weight.shape[0]):
            for i in range(weight.shape[1]):
                value = weight[j, i]
                ax.plot(
                    [layer, layer + 1],
                    [y_in[i], y_out[j]],
                    color="tab:blue" if value >= 0 else "tab:red",
                    lw=0.4 + 3.6 * abs(value) / largest,
                    alpha=0.75,
                    zorder=1,
                    gid="weight",
                )
    last = len(widths) - 1

    def hidden_name(layer: int) -> str:  # h for one hidden layer, h₁, h₂, … for several
        return "h" if last == 2 else f"h{_sub(layer)}"

    for layer, width in enumerate(widths):
        kind = "input" if layer == 0 else (activations[layer - 1] or "linear")
        face = {"input": "white", "linear": "#fde9c9"}.get(kind, "#dbe8f5")
        ax.scatter(
            np.full(width, layer), height(layer), s=700, c=face, edgecolors="black", zorder=2
        )
        # What each column computes: x the input, h a hidden layer, ŷ the output.
        name = "x" if layer == 0 else ("ŷ" if layer == last else hidden_name(layer))
        if width <= 9:
            for k, y in enumerate(height(layer)):
                unit = name if (width == 1 and layer == last) else f"{name}{_sub(k + 1)}"
                ax.text(layer, y, unit, ha="center", va="center", fontsize=10, zorder=3)
        if layer == 0:
            label = f"input\n{width} numbers"
        else:
            source = "x" if layer == 1 else hidden_name(layer - 1)
            inside = f"W{_sub(layer)}{source} + b{_sub(layer)}"
            formula = inside if kind == "linear" else f"{kind}({inside})"
            label = f"layer {layer}: {width} × {kind}\n{name} = {formula}"
        ax.text(layer, height(layer).max() + 0.85, label, ha="center", va="bottom", fontsize=11)
    ax.plot([], [], color="tab:blue", lw=3, label="weight > 0")
    ax.plot([], [], color="tab:red", lw=3, label="weight < 0")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.02), ncols=2, fontsize=10)
    ax.set(xlim=(-0.5, len(widths) - 0.5), ylim=(-max(widths) / 2 - 1.1, max(widths) / 2 + 1.4))
    ax.axis("off")
    summary = f"{parameters} parameters: {sum(w.size for w in weights)} weights (lines) and "
    summary += f"{sum(b.size for b in biases)} biases (one per non-input unit)"
    ax.set_title(title or summary, fontsize=12)
    return figure
