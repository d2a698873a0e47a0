# Two commands do everything (see README.md):
#   make lab    set up .venv and open the course in JupyterLab
#   make test   set up .venv and run every test (unit tests, lint, every notebook through nbval)
# Also: make classroom (make lab with classroom mode on, for a projector), make bench (speed figures), make memory (each notebook's peak memory and run time),
# make format (ruff fix + format), make strip (clear outputs).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready
# JupyterLab settings the course needs (no news pop-up), applied to this venv's JupyterLab only.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json

.PHONY: setup lab classroom test bench memory format strip clean

setup: $(READY) $(LAB_SETTINGS)

# Versions are pinned in constraints.txt; torch==2.13.0 resolves to the CPU build on this machine.
$(READY): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c constraints.txt -e ".[course,test]"
	touch $@

$(LAB_SETTINGS): jupyter/overrides.json $(READY)
	mkdir -p $(dir $@)
	cp $< $@

# Serves notebooks/ and opens 00_start_here.ipynb; --allow-root so it also starts as root.
lab: setup
	cd notebooks && ../$(BIN)/jupyter lab --allow-root --ip=127.0.0.1 00_start_here.ipynb

# The same, with classroom mode on (larger text and controls, explorers fit 1280 × 720) while
# this JupyterLab runs, whatever the switch in 00 says (helpers/display.py).
classroom: setup
	cd notebooks && COURSE_CLASSROOM=1 ../$(BIN)/jupyter lab --allow-root --ip=127.0.0.1 00_start_here.ipynb

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

clean:
	rm -rf $(VENV) *.egg-info
