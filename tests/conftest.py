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


def pytest_collection_modifyitems(config, items):
    """`make test` runs the tests that need no browser on two pytest-xdist workers
    (``--dist loadgroup``). What shares state stays on one worker, in order: a notebook's cells
    (nbval runs them in one kernel, one after another), the online tests (one course copy, one
    wheel and its environment, built once) and each test module (its module-scoped fixtures)."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        path = item.path.resolve()
        group = "online" if path.parent.name == "online" else str(path)
        item.add_marker(pytest.mark.xdist_group(group))
