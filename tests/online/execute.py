"""Execute one notebook top to bottom in a fresh kernel of the Python that runs this script.

Usage: python execute.py NOTEBOOK OUT   (run in the notebook's folder; exit 1 on any error)"""

import sys

import nbformat
from nbclient import NotebookClient

notebook = nbformat.read(sys.argv[1], as_version=4)
# "python3" resolves to ipykernel's own spec, i.e. this interpreter, in this environment.
NotebookClient(notebook, timeout=900, kernel_name="python3").execute()
nbformat.write(notebook, sys.argv[2])
