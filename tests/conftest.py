import os

# Headless figures and no progress-bar noise in every test process.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TQDM_DISABLE", "1")
