# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
EXAMPLE := src/newsprobe/examples/deir_ez_zor.txt

.PHONY: setup run test lint bench fuzz soak lock clean java
JAVA_HINT := Java 17+ is needed by the Spark commands and their tests: apt-get install -y openjdk-17-jre-headless \
	(Debian/Ubuntu), brew install openjdk@17 (macOS), or set JAVA_HOME

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)
	@command -v java >/dev/null || echo "note: $(JAVA_HINT)"

# The Spark job (newsprobe spark ...) runs on the JVM.
java:
	@command -v java >/dev/null || { echo "error: $(JAVA_HINT)"; exit 1; }

run: $(STAMP)
	$(VENV)/bin/newsprobe analyze --format text $(EXAMPLE)

test: $(STAMP) java
	$(VENV)/bin/ruff check src tests bench fuzz
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium) || echo "chromium not installed: browser tests will skip"
	$(VENV)/bin/pytest -q

bench: $(STAMP)
	$(PY) bench/throughput.py

# Every fuzz harness (fuzz/harnesses.py) for FUZZ_SECONDS each; a crash stops the run and is saved in fuzz/crashes/.
# The recorded run (up to 1,000,000 executions each, figures in docs/benchmarks.md) is bench/fuzz.py.
FUZZ_SECONDS ?= 60
fuzz: $(STAMP)
	for h in $$($(PY) -c "import sys; sys.path.insert(0, 'fuzz'); import harnesses; print(*harnesses.HARNESSES)"); do \
		echo "== $$h ($(FUZZ_SECONDS) s)"; \
		$(PY) fuzz/run.py $$h -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 2>&1 | grep -E "^Done|ERROR|Test unit"; \
		test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

# `serve` under a bounded loopback load for SOAK_SECONDS (default 600); figures in docs/benchmarks.md.
SOAK_SECONDS ?= 600
soak: $(STAMP)
	nice -n 10 $(PY) bench/soak.py --seconds $(SOAK_SECONDS)

# Re-pin every dependency (with hashes) after changing pyproject.toml.
lock: $(STAMP)
	$(PY) -m pip install --quiet uv==0.13.9
	$(VENV)/bin/uv pip compile --quiet --python-version 3.11 --generate-hashes requirements.in \
		-o requirements.lock --no-emit-package newsprobe

clean:
	rm -rf $(VENV) .pytest_cache
