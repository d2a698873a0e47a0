"""helpers.lean_torch: torch.optim works without loading torch.compile's machinery, and whatever
needs the real torch._dynamo still gets it. Each check runs in a fresh interpreter, since the
point is what a process has imported."""

import subprocess
import sys
import textwrap


def fresh(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_torch_optim_trains_without_importing_sympy_or_the_compiler():
    out = fresh(
        """
        import sys
        import helpers, torch
        model = torch.nn.Linear(3, 1)
        for make in (torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW):
            optimizer = make(model.parameters(), lr=0.1)
            loss = model(torch.ones(4, 3)).pow(2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print("sympy" in sys.modules, helpers.lean_torch.is_stand_in(sys.modules["torch._dynamo"]))
        """
    )
    assert out == "False True"


def test_without_the_course_torch_optim_imports_the_compiler():
    # the reason for the stand-in: if torch stops doing this, the module can go
    out = fresh(
        """
        import sys, torch
        torch.optim.SGD(torch.nn.Linear(3, 1).parameters(), lr=0.1)
        print("torch._dynamo" in sys.modules and "sympy" in sys.modules)
        """
    )
    assert out == "True"


def test_the_same_steps_with_and_without_the_stand_in():
    code = """
        import torch{course}
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
        optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
        for _ in range(20):
            optimizer.zero_grad()
            model(torch.linspace(-1, 1, 20).reshape(10, 2)).pow(2).mean().backward()
            optimizer.step()
        print([round(float(p.sum()), 12) for p in model.parameters()])
    """
    assert fresh(code.format(course=", helpers")) == fresh(code.format(course=""))


def test_whatever_needs_the_real_module_gets_it():
    out = fresh(
        """
        import sys
        import helpers, torch
        import torch._dynamo.config  # a submodule: the real package is loaded for it
        real = sys.modules["torch._dynamo"]
        print(helpers.lean_torch.is_stand_in(real), hasattr(real, "reset"), "sympy" in sys.modules)
        """
    )
    assert out == "False True True"
    out = fresh(
        """
        import sys
        import helpers, torch
        print(callable(torch._dynamo.reset))  # an attribute the stand-in lacks
        print(helpers.lean_torch.is_stand_in(sys.modules["torch._dynamo"]))
        """
    )
    assert out.split() == ["True", "False"]
