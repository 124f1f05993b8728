# Shishi — two commands for a newcomer: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
EXAMPLE := examples/changning-2020.yaml

.PHONY: demo test install dev lint format clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.dev

## demo: the main job on the embedded default, in a fresh demo folder (a SQLite file, a Maildir)
DEMO_DIR ?= shishi-data/demo
demo: install
	rm -rf $(DEMO_DIR)
	SHISHI_DATA_DIR=$(DEMO_DIR) $(BIN)/shishi init
	SHISHI_DATA_DIR=$(DEMO_DIR) $(BIN)/shishi load $(EXAMPLE)
	SHISHI_DATA_DIR=$(DEMO_DIR) $(BIN)/shishi list --as-of 2020-09-30
	SHISHI_DATA_DIR=$(DEMO_DIR) $(BIN)/shishi advance 2.8 --by 张三 --at 2020-10-10 \
		--evidence 竣工验收=长民验〔2020〕3号@2020-10-09
	SHISHI_DATA_DIR=$(DEMO_DIR) $(BIN)/shishi nightly --as-of 2020-09-30
	SHISHI_DATA_DIR=$(DEMO_DIR) $(BIN)/shishi show 2 --as-of 2020-09-30
	SHISHI_DATA_DIR=$(DEMO_DIR) $(BIN)/shishi history 2.8
	SHISHI_DATA_DIR=$(DEMO_DIR) $(BIN)/shishi report --period 2020-09
	@echo "阶段变更邮件（Maildir，任何邮件客户端均可打开）：$(DEMO_DIR)/mail/new/ 共 $$(ls $(DEMO_DIR)/mail/new | wc -l) 封"

## test: lint and format check, then the whole suite, one worker per core (PostgreSQL too when
## SHISHI_TEST_DATABASE_URL is set)
test: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n auto --dist loadfile --durations=25

## bench: the benchmarks (figures beside their baselines; not tests), on SQLite, then on PostgreSQL
## when a server answers at BENCH_PG_URL (each PostgreSQL benchmark creates and drops its own database).
## Figures and machine: bench/README.md
BENCH_PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
bench: dev
	$(BIN)/python bench/cli_startup.py
	$(BIN)/python bench/cli_latency.py
	$(BIN)/python bench/stage_changes.py
	$(BIN)/python bench/nightly.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/as_of.py
	$(BIN)/python bench/flow_overhead.py
	$(BIN)/python bench/web_load.py
	@if SHISHI_BENCH_PG_URL=$(BENCH_PG_URL) $(BIN)/python bench/benchdb.py; then \
		set -e; export SHISHI_BENCH_PG_URL=$(BENCH_PG_URL); \
		$(BIN)/python bench/stage_changes.py --db postgres; \
		$(BIN)/python bench/nightly.py --db postgres; \
		$(BIN)/python bench/nightly.py --db postgres --items 1000 --targets 5; \
		$(BIN)/python bench/nightly.py --db postgres --projects 1000000; \
		$(BIN)/python bench/web_load.py --db postgres; \
		$(BIN)/python bench/as_of.py --db postgres; \
	else \
		echo "PostgreSQL benchmarks skipped: no server answers at $(BENCH_PG_URL) (set BENCH_PG_URL=...)"; \
	fi

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) shishi-data .pytest_cache .ruff_cache .hypothesis *.egg-info
