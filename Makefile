# Two commands do everything (see README.md):
#   make lab    set up .venv and open the course in JupyterLab
#   make test   set up .venv and run every test (unit tests, lint, every notebook through nbval)
# Also: make bench (speed figures), make memory (each notebook's peak memory and run time),
# make format (ruff fix + format), make strip (clear outputs).
# Online (see README "Online"): make publish-links REPO=owner/name, make site,
# make binder-check (what repo2docker would build), make session-memory (00 → 08 in a browser).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready
# JupyterLab settings the course needs (no news pop-up), applied to this venv's JupyterLab only.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json

.PHONY: setup lab test bench memory format strip clean publish-links site binder-check \
	session-memory

setup: $(READY) $(LAB_SETTINGS)

# Versions are pinned in constraints.txt; torch==2.13.0 resolves to the CPU build on this machine.
$(READY): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c constraints.txt -e ".[course,test,online]"
	touch $@

# The same script Binder's postBuild runs, so local and Binder settings cannot drift apart.
$(LAB_SETTINGS): jupyter/overrides.json jupyter/jupyter_server_config.json \
		jupyter/ipython_kernel_config.json jupyter/apply-settings $(READY)
	jupyter/apply-settings $(BIN)/python

# Serves notebooks/ and opens 00_start_here.ipynb; --allow-root so it also starts as root.
lab: setup
	cd notebooks && ../$(BIN)/jupyter lab --allow-root --ip=127.0.0.1 00_start_here.ipynb

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/bench.py

memory: setup
	$(BIN)/python benchmarks/notebook_memory.py

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

strip: setup
	$(BIN)/jupyter nbconvert --clear-output --inplace notebooks/*.ipynb

# Writes the address into pyproject.toml and regenerates every launch link from it.
publish-links: setup
	$(BIN)/python -m tools.publish_links $(REPO)

# The course website in build/site/ (open build/site/index.html), from freshly run notebooks.
site: setup
	$(BIN)/python -m tools.build_site build/site

# repo2docker's own report of the build pack and files Binder would use (no Docker needed).
binder-check: setup
	$(BIN)/repo2docker --no-build --no-run --debug . 2>&1 | grep -E "conda|environment.yml|postBuild"

session-memory: setup
	$(BIN)/python benchmarks/session_memory.py

clean:
	rm -rf $(VENV) *.egg-info
