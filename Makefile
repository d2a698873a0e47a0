# Two commands do everything (see README.md):
#   make lab    set up .venv and open the course in JupyterLab
#   make test   set up .venv and run every test (unit tests, lint, every notebook through nbval)
# Also: make classroom (make lab with classroom mode on, for a projector), make bench (speed
# figures), make memory (each notebook's peak memory and run time), make mutants (mutation
# testing, long), make format (ruff fix + format), make strip (clear outputs).
# For lecturers: make hub-link HUB=https://hub.example.edu (the nbgitpuller link that hands the
# course out on a JupyterHub); make hub-bench (per-student memory and slider latency on a hub).
# Online (see README "Online"): make publish-links REPO=owner/name, make site,
# make binder-check (what repo2docker would build), make session-memory (00 → 08 in a browser).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready
# JupyterLab settings the course needs (no news pop-up), applied to this venv's JupyterLab only.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json

.PHONY: setup lab classroom test bench memory mutants format strip clean hub-proxy hub-link hub-bench \
	publish-links site binder-check session-memory

setup: $(READY) $(LAB_SETTINGS)

# Versions are pinned in constraints.txt; torch==2.13.0 resolves to the CPU build on this machine.
$(READY): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c constraints.txt -e ".[course,test,hub,online]"
	touch $@

# The same script Binder's postBuild runs, so local and Binder settings cannot drift apart.
$(LAB_SETTINGS): jupyter/overrides.json jupyter/jupyter_server_config.json \
		jupyter/ipython_kernel_config.json jupyter/apply-settings $(READY)
	jupyter/apply-settings $(BIN)/python

# Serves notebooks/ and opens 00_start_here.ipynb; --allow-root so it also starts as root.
lab: setup
	cd notebooks && ../$(BIN)/jupyter lab --allow-root --ip=127.0.0.1 00_start_here.ipynb

# The same, with classroom mode on (larger text and controls, explorers fit 1280 × 720) while
# this JupyterLab runs, whatever the switch in 00 says (helpers/display.py).
classroom: setup
	cd notebooks && COURSE_CLASSROOM=1 ../$(BIN)/jupyter lab --allow-root --ip=127.0.0.1 00_start_here.ipynb

# The tests that need no browser on two workers, a file per worker at a time (a notebook's cells
# share one kernel, in order); then the browser suite and the hub test alone, because they time
# slider moves and a busy machine would slow them.
SERIAL := tests/browser tests/test_hub.py
test: setup hub-proxy
	$(BIN)/python -m pytest -n 2 --dist loadfile $(addprefix --ignore=,$(SERIAL)); first=$$?; \
	$(BIN)/python -m pytest $(SERIAL); second=$$?; \
	test $$first -eq 0 && test $$second -eq 0

bench: setup
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/first_explorers.py

memory: setup
	$(BIN)/python benchmarks/notebook_memory.py

# Mutation testing (mutmut): mutates helpers' computation and exercise checks and runs the unit
# tests against each mutant; prints the score and the survivors per module (mutmut results lists
# them, mutmut show NAME shows one). Long (about 90 min on 2 cores): not part of CI. Results are
# kept in mutants/, so a second run only checks what changed. One torch thread: mutmut forks a
# child per mutant, and a child forked from a process with a running OpenMP pool waits forever.
mutants: setup
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[mutation]"
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/mutmut run || true
	$(BIN)/mutmut results --all true | $(BIN)/python benchmarks/mutation_summary.py

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

strip: setup
	$(BIN)/jupyter nbconvert --clear-output --inplace notebooks/*.ipynb

# JupyterHub's proxy for the hub test, from npm at the versions in tests/hub/package-lock.json,
# into the git-ignored .venv/. Without npm the hub test skips (outside CI) and says why.
HUB_PROXY := $(VENV)/hub-proxy/.ready
hub-proxy: $(HUB_PROXY)
$(HUB_PROXY): tests/hub/package.json tests/hub/package-lock.json $(READY)
	@if command -v npm >/dev/null 2>&1; then \
		mkdir -p $(dir $@) && cp tests/hub/package.json tests/hub/package-lock.json $(dir $@) && \
		cd $(dir $@) && npm ci --no-fund --no-audit --loglevel=error && touch .ready; \
	else \
		echo "npm not found: the hub test will skip (Debian: apt-get install nodejs npm)"; \
	fi

# The link to hand out. HUB= the hub's address; REPO= owner/name or a git URL (default: the
# address in pyproject.toml); BRANCH= (default: the repository's default branch).
hub-link:
	@$(PYTHON) -m tools.hub_link --hub "$(HUB)" $(if $(REPO),--repo "$(REPO)") \
		$(if $(BRANCH),--branch "$(BRANCH)")

hub-bench: setup hub-proxy
	$(BIN)/python benchmarks/hub.py
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
