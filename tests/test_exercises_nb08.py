from helpers.exercises import nb08
from helpers.showdown import forgiving_width


def test_run_calls():
    assert nb08.run_calls(28)
    assert nb08.run_calls(None).correct is None
    for wrong, says in [
        (16352, "runs"),
        (2044, "one array"),
        (224, "x0 holds"),
        (84, "same runs"),
        (7, "4 functions"),
        (4, "own call"),
        (27, "calls"),  # a near miss is not accepted
    ]:
        feedback = nb08.run_calls(wrong)
        assert feedback.correct is False and says in feedback.message
        assert "7 × 4 = 28" not in feedback.message


def test_check_forgiving_width():
    assert nb08.check_forgiving_width(forgiving_width)
    assert nb08.check_forgiving_width(None).correct is None
    assert nb08.check_forgiving_width(lambda lrs, gaps: None).correct is None

    def everywhere(lrs, gaps):
        import numpy as np

        good = gaps <= 10 * gaps.min()
        return np.log10(lrs[good].max() / lrs[good].min())

    assert "next to" in nb08.check_forgiving_width(everywhere).message
    assert "walk outwards" in nb08.check_forgiving_width(lambda lrs, gaps: 7.0).message


def test_check_forgiving_width_names_the_ratio_and_the_off_by_one():
    import numpy as np

    def ratio(lrs, gaps):  # η_high/η_low, not its log₁₀
        return 10 ** forgiving_width(lrs, gaps)

    def one_point_more(lrs, gaps):  # walked one grid point past the last good η
        return forgiving_width(lrs, gaps) + np.log10(lrs[1] / lrs[0])

    assert "ratio η_high/η_low" in nb08.check_forgiving_width(ratio).message
    feedback = nb08.check_forgiving_width(one_point_more)
    assert not feedback.correct and "one grid point (0.5 decades) more" in feedback.message


def test_check_forgiving_width_every_wrong_path_says_not_yet():
    """Each named mistake is called wrong (not just worded), a count of good points is named, and
    a function that fails is reported with its error, never raised (mutation testing found these
    paths untried)."""
    import numpy as np

    def everywhere(lrs, gaps):
        good = gaps <= 10 * gaps.min()
        return np.log10(lrs[good].max() / lrs[good].min())

    def count(lrs, gaps):  # how many η are good, not how wide the range is
        return float(np.sum(gaps <= 10 * gaps.min()))

    def one_point_less(lrs, gaps):
        return forgiving_width(lrs, gaps) - np.log10(lrs[1] / lrs[0])

    def broken(lrs, gaps):
        raise ValueError("no grid")

    def wrong_type(lrs, gaps):
        return len(5)

    expected = {
        everywhere: "next to",
        (lambda lrs, gaps: 10 ** forgiving_width(lrs, gaps)): "ratio η_high/η_low",
        one_point_less: "one grid point (0.5 decades) less",
        count: "how many grid points are good",
        (lambda lrs, gaps: 7.0): "walk outwards",
        broken: "failed: ValueError('no grid')",
        wrong_type: "failed: object of type 'int' has no len()",
    }
    for function, says in expected.items():
        feedback = nb08.check_forgiving_width(function)
        assert feedback.correct is False and says in feedback.message, feedback.message
    right = nb08.check_forgiving_width(forgiving_width)
    assert right.correct is True and right.message.startswith("Correct: the decades of η")
