"""helpers.progress: a bar that ends early on purpose is drawn full, not failed."""

from tqdm.notebook import tqdm as notebook_bar

from helpers.progress import end_early


def test_a_bar_ended_early_is_full_and_not_red():
    bar = notebook_bar(total=100, desc="range test")
    bar.update(92)
    end_early(bar, 92, "range test: done")
    bar.close()
    _, widget, _ = bar.container.children
    assert widget.value == widget.max == 92  # its length is its value over its maximum
    assert widget.bar_style != "danger"  # closed at its total: not "failed"
    assert bar.desc.startswith("range test: done")
