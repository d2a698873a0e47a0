import numpy as np
import pytest

from helpers import setup_check
from helpers.checks import check_number
from helpers.exercises import nb00


@pytest.mark.parametrize(
    ("answer", "correct", "says"),
    [
        (None, None, "Not answered yet"),
        ("ninety", False, "should be a number"),
        (96, True, "Correct"),
        (3, False, "number of epochs"),
        (93.75, False, "short batch"),
        (93, False, "dropped the last"),
        (50, False, "Count the batches"),
    ],
)
def test_nb00_updates_feedback(answer, correct, says):
    feedback = nb00.updates(answer)
    assert feedback.correct is correct
    assert says in feedback.message
    assert bool(feedback) is bool(correct)


def test_a_wrong_answer_does_not_give_the_right_one_away():
    assert "96" not in nb00.updates(50).message
    assert "42" not in check_number(41, 42, name="x", hint="think again").message


def test_environment_check_reports_missing_packages(monkeypatch):
    assert setup_check.check_environment().ok
    monkeypatch.setitem(setup_check.REQUIRED, "no-such-package-xyz", "testing")
    report = setup_check.check_environment()
    assert not report.ok and report.missing == ["no-such-package-xyz"]
    assert "make lab" in report.summary() and "missing" in report._repr_html_()


def test_known_slip_names_the_first_matching_mistake():
    from helpers.checks import known_slip

    slips = [([1.0, 2.0], "doubled"), ([0.5, 1.0], "right")]
    assert known_slip(np.array([1.0, 2.0]), slips) == "doubled"
    assert known_slip([0.5, 1.0 + 1e-13], slips) == "right"
    assert known_slip([0.0, 0.0], slips) is None


def test_a_right_answer_written_exactly_is_not_told_the_exact_value():
    # "(exactly …)" only where the student's value differs from it as written (mutation testing)
    assert "exactly" not in check_number(0.5, 0.5, name="x").message
    assert "(exactly 0.333333)" in check_number(0.3334, 1 / 3, name="x", rtol=1e-3).message


def test_feedback_shows_its_verdict_in_html_and_as_text():
    """What a notebook cell displays (HTML) and what a terminal prints: the mark, its colour and
    the message, for a right, a wrong and an untouched answer."""
    from helpers.checks import Feedback

    shown = {
        True: ("✔", "#070", "correct"),
        False: ("✘", "#b00", "not yet"),
        None: ("…", "#555", "unanswered"),
    }
    for verdict, (mark, colour, word) in shown.items():
        feedback = Feedback(verdict, "the message")
        assert feedback._repr_html_() == (
            f"<p style='color:{colour}; font-size:110%'><b>{mark}</b> the message</p>"
        )
        assert repr(feedback) == f"[{word}] the message"
        assert bool(feedback) is (verdict is True)


def test_check_number_messages_without_hint_or_explanation_end_cleanly():
    assert check_number(2.0, 2.0, name="x").message == "Correct: x = 2."
    assert check_number(3.0, 2.0, name="x").message == "x = 3 is not it."


def test_an_expected_zero_is_matched_absolutely():
    """Relative tolerance alone never matches 0: answers within 1e-12 of a 0 count as it, for
    the answer itself and for a known mistake."""
    assert check_number(1e-13, 0.0, name="x").correct
    assert not check_number(1e-9, 0.0, name="x").correct
    slip = check_number(1e-13, 1.0, name="x", mistakes={0.0: "that is the start"})
    assert slip.message == "x = 1e-13 is not it: that is the start"


def test_known_slip_matches_only_what_the_mistake_computes():
    from helpers.checks import known_slip

    slips = [(np.array([1.0, 2.0]), "doubled"), (0.0, "zero")]
    assert known_slip(np.array([1.0, 2.0]), slips) == "doubled"
    assert known_slip(np.array([1.0, 2.0]) * (1 + 1e-7), slips) is None  # a near miss: not it
    assert known_slip(1e-13, slips) == "zero"
    assert known_slip(1e-10, slips) is None  # np.allclose's own atol (1e-8) would match it
