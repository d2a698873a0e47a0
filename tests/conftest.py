import os
import tempfile

# Headless figures and no progress-bar noise in every test process.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TQDM_DISABLE", "1")

# Keep the kernels that nbval and the notebook tests start away from the user's settings.
_scratch = tempfile.mkdtemp(prefix="course-tests-")
for _variable in ("IPYTHONDIR", "MPLCONFIGDIR", "JUPYTER_CONFIG_DIR"):
    os.environ[_variable] = os.path.join(_scratch, _variable.lower())
