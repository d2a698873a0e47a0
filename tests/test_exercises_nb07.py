import numpy as np

from helpers.exercises import nb07


def test_halving_gamma():
    assert nb07.halving_gamma(0.5 ** (1 / 100))
    assert nb07.halving_gamma(None).correct is None
    for wrong, says in [(0.5, "every"), (0.005, "γ¹⁰⁰"), (0.995, "linear"), (0.99, "faster")]:
        feedback = nb07.halving_gamma(wrong)
        assert feedback.correct is False and says in feedback.message
        assert "0.9930" not in feedback.message
    assert "how many times" in nb07.halving_gamma(0.7).message
    # a wrong exponent is named, not "give more digits" (a student review: it was)
    for wrong, says in [(0.5 ** (1 / 99), "γ⁹⁹"), (0.5 ** (1 / 101), "γ¹⁰¹"), (2**0.01, "grow")]:
        feedback = nb07.halving_gamma(wrong)
        assert feedback.correct is False and says in feedback.message, feedback.message
        assert "significant digits" not in feedback.message
    assert nb07.halving_gamma(0.9931) and nb07.halving_gamma(0.99309)  # still right


def test_check_cosine():
    def right(t, lr, total_steps):
        return lr * (1 + np.cos(np.pi * (t - 1) / total_steps)) / 2

    assert nb07.check_cosine(right)
    assert nb07.check_cosine(None).correct is None
    assert nb07.check_cosine(lambda t, lr, T: None).correct is None
    assert "forget <code>return</code>" in nb07.check_cosine(lambda t, lr, T: None).message
    slips = {
        "off by one": lambda t, lr, T: lr * (1 + np.cos(np.pi * t / T)) / 2,
        "whole cosine": lambda t, lr, T: lr * (1 + np.cos(2 * np.pi * (t - 1) / T)) / 2,
        "2η": lambda t, lr, T: lr * (1 + np.cos(np.pi * (t - 1) / T)),
        "negative": lambda t, lr, T: lr * np.cos(np.pi * (t - 1) / T),
        "should start": lambda t, lr, T: lr,
        "(t − 1)/(T − 1)": lambda t, lr, T: lr * (1 + np.cos(np.pi * (t - 1) / (T - 1))) / 2,
    }
    for says, slip in slips.items():
        feedback = nb07.check_cosine(slip)
        assert feedback.correct is False and says in feedback.message, feedback.message
        assert "(1 + cos(π (t − 1)/T))/2" not in feedback.message
    assert "failed" in nb07.check_cosine(lambda t, lr, T: 1 / 0).message
