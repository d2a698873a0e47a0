"""Build the course website: ``python -m tools.build_site OUT [--kernel-python PYTHON]``.

Sphinx reads ``site/conf.py`` and ``site/index.md``, and the notebooks straight from
``notebooks/`` (the source folder is the repository), so there is no copy to keep in sync. Each
notebook is executed afresh by a kernel of ``--kernel-python`` (default: this Python), with
progress bars off and its own IPython and matplotlib folders. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.course_address import ROOT


def build(
    out: Path, kernel_python: str = sys.executable, quiet: bool = True, only: str | None = None
) -> float:
    """Build the site into ``out``; the seconds it took. Raises on any notebook error.

    ``only`` (a file pattern such as ``00_*``) builds just the home page and those notebooks."""
    out = Path(out).resolve()
    with tempfile.TemporaryDirectory(prefix="course-site-") as scratch:
        scratch = Path(scratch)
        # The notebooks ask for the "python3" kernel: this one runs ``kernel_python``.
        kernel = scratch / "jupyter" / "kernels" / "python3"
        kernel.mkdir(parents=True)
        (kernel / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": [kernel_python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    "display_name": "Python 3 (ipykernel)",
                    "language": "python",
                }
            )
        )
        env = dict(os.environ)
        env.update(
            JUPYTER_PATH=str(scratch / "jupyter"),
            JUPYTER_DATA_DIR=str(scratch / "jupyter-data"),
            JUPYTER_CONFIG_DIR=str(scratch / "jupyter-config"),
            IPYTHONDIR=str(scratch / "ipython"),
            MPLCONFIGDIR=str(scratch / "matplotlib"),
            MPLBACKEND="module://matplotlib_inline.backend_inline",
            TQDM_DISABLE="1",  # progress bars are widgets: nothing to show on a static page
            PYDEVD_DISABLE_FILE_VALIDATION="1",
        )
        env.pop("PYTHONPATH", None)
        command = [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-c",
            str(ROOT / "site"),
            "-d",
            str(scratch / "doctrees"),
            "-W",
            "--keep-going",
            str(ROOT),
            str(out),
        ]
        if quiet:
            command.insert(5, "-q")
        if only:  # links to the notebooks left out are expected: no -W
            command.remove("-W")
            command[5:5] = ["-D", f"include_patterns=site/index.md,notebooks/{only}.ipynb"]
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, cwd=scratch)
        return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, nargs="?", default=ROOT / "build" / "site")
    parser.add_argument("--kernel-python", default=sys.executable)
    parser.add_argument("--only", help="a notebook file pattern, e.g. 00_* (a partial site)")
    args = parser.parse_args(argv)
    seconds = build(args.out, args.kernel_python, quiet=False, only=args.only)
    print(f"site built in {seconds:.0f} s: open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
