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
