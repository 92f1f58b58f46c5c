# Two commands on a fresh machine with only Python 3.11:
#   make run    runs `claimcheck run` on the bundled case
#   make test   runs the test suite
# and `make demo` runs the demo case (local documents only, no network).
# uv is bootstrapped into .tools/ when it is not on PATH.

UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := $(CURDIR)/.tools/bin/uv
endif
PYTHON ?= python3
# the suite runs in two processes (pytest-xdist), a test file per process at a
# time so module fixtures (a fetched case, a browser) are built once
PYTEST_WORKERS ?= 2

.PHONY: run demo test sync bench help

help:
	@echo "make demo   - run claimcheck on the demo case (corpus/cases/demo; local files, no network)"
	@echo "make run    - run claimcheck on the bundled case (corpus/cases/serbia-after-banjska)"
	@echo "make test   - run the test suite"
	@echo "make bench  - print the benchmark figures (benchmarks/*.py)"

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

sync: $(UV)
	$(UV) sync --locked --compile-bytecode

run: sync
	$(UV) run claimcheck run $(ARGS)

demo: sync
	$(UV) run claimcheck run --case corpus/cases/demo $(ARGS)
	@echo "report: outputs/demo/report.html   review: $(UV) run claimcheck review --case corpus/cases/demo"

test: sync
	$(UV) run python -m tests.browser_setup
	$(UV) run pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Scripts that write committed files (the frozen split, the trained model) and
# the shared CLIMATE-FEVER reader are not benchmarks: `make bench` leaves them out.
bench: sync
	for b in benchmarks/*.py; do case $$(basename $$b) in cfdata.py|make_split.py|freeze_previous_engine.py|train_verdict.py) continue;; esac; \
	  echo "== $$b"; $(UV) run python $$b || exit 1; done
