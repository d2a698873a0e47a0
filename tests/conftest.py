import os
import tempfile
import warnings

import pytest

# Headless figures and no progress-bar noise in every test process.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TQDM_DISABLE", "1")

# Keep the kernels that nbval and the notebook tests start away from the user's settings.
_scratch = tempfile.mkdtemp(prefix="course-tests-")
for _variable in ("IPYTHONDIR", "MPLCONFIGDIR", "JUPYTER_CONFIG_DIR"):
    os.environ[_variable] = os.path.join(_scratch, _variable.lower())
# The course's display settings (classroom mode): never the user's file, never their switch.
os.environ["COURSE_SETTINGS"] = os.path.join(_scratch, "course-settings.json")
os.environ.pop("COURSE_CLASSROOM", None)
os.environ.pop("COURSE_DENSITY", None)


@pytest.fixture
def strict():
    """Any warning inside the test is an error (a diverging run must not warn)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.fixture
def two_threads():
    """torch at two threads inside the test, and back to what it was after it. (A test that left
    two behind made every later test process run torch's OpenMP pool: mutmut's children, forked
    from that process, then waited forever on pool threads that fork had not copied.)"""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(previous)
