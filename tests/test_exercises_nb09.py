import numpy as np

from helpers.exercises import nb09


def test_momentum_border():
    assert nb09.momentum_border(380)
    assert nb09.momentum_border(None).correct is None
    near_miss = nb09.momentum_border(376)
    assert near_miss.correct is False and "Notebook 05" in near_miss.message
    for wrong, says in [
        (200, "plain gradient descent"),
        (190, "factor 2"),
        (2000, "EMA"),
        (3800, "Adam"),
        (0.038, "denominator"),
    ]:
        feedback = nb09.momentum_border(wrong)
        assert feedback.correct is False and says in feedback.message, (wrong, feedback)
        assert "380:" not in feedback.message


def test_adam_border():
    assert nb09.adam_border(398_000)
    assert nb09.adam_border(None).correct is None
    near_miss = nb09.adam_border(390_000)
    assert near_miss.correct is False and "learning rate (1 − β₁)η" in near_miss.message
    for wrong, says in [
        (38_000, "0.9 only"),
        (3_980, "heavy ball"),
        (200_000, "(1 + β₁) is missing"),
        (2_000, "plain gradient descent"),
    ]:
        feedback = nb09.adam_border(wrong)
        assert feedback.correct is False and says in feedback.message, (wrong, feedback)
        assert "398,000" not in feedback.message


def right(hvp, v0, iterations):
    v = v0 / np.linalg.norm(v0)
    for _ in range(iterations):
        w = hvp(v)
        v = w / np.linalg.norm(w)
    return v @ hvp(v)


def test_check_power_iteration():
    assert nb09.check_power_iteration(right)
    assert nb09.check_power_iteration(None).correct is None
    assert nb09.check_power_iteration(lambda hvp, v0, k: None).correct is None

    def norm_instead(hvp, v0, iterations):
        v = v0 / np.linalg.norm(v0)
        for _ in range(iterations):
            w = hvp(v)
            v = w / np.linalg.norm(w)
        return np.linalg.norm(hvp(v))

    def unnormalised(hvp, v0, iterations):
        v = v0
        for _ in range(iterations):
            v = hvp(v)
        return v @ hvp(v)

    def returns_vector(hvp, v0, iterations):
        v = v0
        for _ in range(iterations):
            v = hvp(v) / np.linalg.norm(hvp(v))
        return v

    def too_few(hvp, v0, iterations):
        return right(hvp, v0, 1)

    slips = {
        "loses the sign": norm_instead,
        "blows up": unnormalised,
        "not the vector": returns_vector,
        "you return": too_few,
    }
    for says, slip in slips.items():
        feedback = nb09.check_power_iteration(slip)
        assert feedback.correct is False and says in feedback.message, (says, feedback.message)
    crash = nb09.check_power_iteration(lambda hvp, v0, k: 1 / 0)
    assert crash.correct is False and "failed" in crash.message
