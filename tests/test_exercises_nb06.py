"""Notebook 06's exercise checks: the right answer passes, typical mistakes get their own
explanation, and no message for a wrong answer gives the right one away."""

import numpy as np
import pytest

from helpers.exercises import nb06


@pytest.mark.parametrize(
    ("answer", "correct", "says"),
    [
        (None, None, "Not answered yet"),
        (100, True, "Correct"),
        (10, False, "1/√t"),
        (25, False, "η/2 here"),
        (1000, False, "too far"),
        (10_000, False, "hundredth"),
        (99, False, "count steps from t = 1"),
        (50, False, "G_t = t·g²"),
    ],
)
def test_adagrad_steps_feedback(answer, correct, says):
    feedback = nb06.adagrad_steps(answer)
    assert feedback.correct is correct
    assert says in feedback.message
    if correct is False:
        assert "100" not in feedback.message.replace(f"= {answer:g}", "")


@pytest.mark.parametrize(
    ("answer", "correct", "says"),
    [
        (None, None, "Not answered yet"),
        (3.162, True, "Correct"),
        (np.sqrt(10), True, "Correct"),
        (1, False, "*with* bias correction"),
        (0.1, False, "v is shrunk too"),
        (100, False, "square root"),
        (np.sqrt(0.001) / 0.1, False, "upside down"),
        (1 / np.sqrt(0.001), False, "m₁ is (1 − β₁)·g₁"),
        (2, False, "Write m₁ and v₁"),
    ],
)
def test_uncorrected_first_step_feedback(answer, correct, says):
    feedback = nb06.uncorrected_first_step(answer)
    assert feedback.correct is correct
    assert says in feedback.message
    if correct is False:
        assert "3.16" not in feedback.message


def right(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def variant(correction=True, eps_inside=False, sqrt=True, t_shift=0):
    def step(theta, grad, m, v, t, lr, beta1, beta2, eps):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        m_hat, v_hat = m, v
        if correction:
            m_hat = m / (1 - beta1 ** (t + t_shift))
            v_hat = v / (1 - beta2 ** (t + t_shift))
        if eps_inside:
            denominator = np.sqrt(v_hat + eps)
        else:
            denominator = (np.sqrt(v_hat) if sqrt else v_hat) + eps
        return theta - lr * m_hat / denominator, m, v

    return step


def test_the_right_adam_step_passes_and_none_is_unanswered():
    assert nb06.adam_step(right).correct is True
    assert nb06.adam_step(None).correct is None
    assert nb06.adam_step(lambda *args: None).correct is None


@pytest.mark.parametrize(
    ("wrong", "step", "quantity", "says"),
    [
        (variant(correction=False), 1, "theta", "bias correction is missing"),
        (variant(eps_inside=True), 1, "theta", "ε is inside your square root"),
        (variant(sqrt=False), 1, "theta", "square root of v̂"),
        (variant(t_shift=1), 1, "theta", "uses t + 1"),
        (variant(t_shift=-1), 1, "theta", "not finite"),
    ],
)
def test_typical_adam_mistakes_are_named_with_their_step(wrong, step, quantity, says):
    feedback = nb06.adam_step(wrong)
    assert feedback.correct is False
    assert f"Step {step} " in feedback.message
    assert f"your <code>{quantity}</code>" in feedback.message
    assert says in feedback.message
    assert "m / (1 - beta1**t)" not in feedback.message


def test_adam_mistakes_in_the_moments_are_caught_before_theta():
    def undamped(theta, grad, m, v, t, lr, beta1, beta2, eps):
        theta, _, v = right(theta, grad, m, v, t, lr, beta1, beta2, eps)
        return theta, beta1 * m + grad, v

    feedback = nb06.adam_step(undamped)
    assert "your <code>m</code>" in feedback.message and "(1 − β₁)" in feedback.message

    def absolute(theta, grad, m, v, t, lr, beta1, beta2, eps):
        theta, m, _ = right(theta, grad, m, v, t, lr, beta1, beta2, eps)
        return theta, m, beta2 * v + (1 - beta2) * np.abs(grad)

    assert "your <code>v</code>" in nb06.adam_step(absolute).message
    crash = nb06.adam_step(lambda *args: undefined_name)  # noqa: F821
    assert crash.correct is False and "NameError" in crash.message


def test_keras_epsilon_hat_is_named_and_its_numbers_differ_on_the_page():
    def keras(theta, grad, m, v, t, lr, beta1, beta2, eps):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        return theta - lr * np.sqrt(1 - beta2**t) / (1 - beta1**t) * m / (np.sqrt(v) + eps), m, v

    feedback = nb06.adam_step(keras)
    assert feedback.correct is False and "Keras's form" in feedback.message
    yours, expected = feedback.message.split("is (", 1)[1].split(", expected (", 1)
    assert yours.split(")")[0] != expected.split(")")[0]  # a near-miss never reads identical


def test_returning_the_corrected_moments_is_named_as_such():
    def hats(theta, grad, m, v, t, lr, beta1, beta2, eps):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat

    feedback = nb06.adam_step(hats)
    assert feedback.correct is False and "bias-corrected m̂ and v̂" in feedback.message
    assert "moving average" not in feedback.message  # not misdiagnosed as an undamped m


def test_an_uphill_step_and_the_raw_gradient_are_named():
    # each named mistake gets its own message (mutation testing: the two had no test)
    def uphill(theta, grad, m, v, t, lr, beta1, beta2, eps):
        new, m, v = right(theta, grad, m, v, t, lr, beta1, beta2, eps)
        return 2 * theta - new, m, v

    def raw(theta, grad, m, v, t, lr, beta1, beta2, eps):
        _, m, v = right(theta, grad, m, v, t, lr, beta1, beta2, eps)
        return theta - lr * grad / (np.sqrt(v / (1 - beta2**t)) + eps), m, v

    for wrong, says in ((uphill, "θ moved uphill"), (raw, "the averaged m̂")):
        feedback = nb06.adam_step(wrong)
        assert feedback.correct is False and says in feedback.message, feedback.message
