# Two commands for a newcomer: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMP := $(VENV)/.installed
# `make run PORT=5001` when 5000 is taken; enough demo people for dashboards to show real figures.
PORT ?= 5000
DEMO_PEOPLE ?= 5000

.PHONY: run run-postgres run-cluster postgres-db stop-postgres test install system-deps bench-deps lint format bench soak vendor-govuk clean

$(STAMP): requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

## Debian packages the browser and database tests need, installed only when missing.
system-deps:
	@if ! command -v chromium >/dev/null; then \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; fi
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql; fi
	@if ! command -v redis-server >/dev/null; then \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq redis-server; fi

run: install
	$(FLASK) init-db
	$(FLASK) load-framework
	$(FLASK) seed-demo --people $(DEMO_PEOPLE) --if-empty
	@# The sender delivers messages while the site runs: to instance/mailbox/ (and /admin/mailbox)
	@# until NOTIFY_API_KEY is set. It stops with the site.
	export SERVICE_URL=$${SERVICE_URL:-http://127.0.0.1:$(PORT)}; \
	  $(FLASK) send-notifications --loop & trap "kill $$! 2>/dev/null" EXIT; \
	  $(FLASK) run --host 127.0.0.1 --port $(PORT)

## The same service on a local PostgreSQL server kept in instance/postgres, for production-like
## behaviour. `make stop-postgres` stops the server (and run-cluster's Redis); `make clean` removes them.
PG_DIR := $(CURDIR)/instance/postgres
PG_PORT ?= 5433
PG_URL := postgresql+psycopg://ddat@127.0.0.1:$(PG_PORT)/ddat
PG_BIN = $$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
# initdb refuses to run as root, so as root the server runs as the postgres user.
AS_PG := $(shell [ "$$(id -u)" = 0 ] && echo runuser -u postgres --)

# What run-postgres and run-cluster share: the server running, the database migrated, the
# framework loaded and demo data added if it has no people.
postgres-db: install system-deps
	@mkdir -p $(PG_DIR) && { [ "$$(id -u)" != 0 ] || chown postgres $(PG_DIR); }
	@[ -d $(PG_DIR)/data ] || $(AS_PG) $(PG_BIN)/initdb -D $(PG_DIR)/data -U ddat --auth=trust -E UTF8 >/dev/null
	@$(AS_PG) $(PG_BIN)/pg_ctl -D $(PG_DIR)/data status >/dev/null || $(AS_PG) $(PG_BIN)/pg_ctl -D $(PG_DIR)/data \
	  -l $(PG_DIR)/log -w start -o "-h 127.0.0.1 -p $(PG_PORT) -k $(PG_DIR)" >/dev/null
	@$(PG_BIN)/psql -h 127.0.0.1 -p $(PG_PORT) -U ddat -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'ddat'" \
	  | grep -q 1 || $(PG_BIN)/createdb -h 127.0.0.1 -p $(PG_PORT) -U ddat ddat
	DATABASE_URL=$(PG_URL) $(FLASK) init-db
	DATABASE_URL=$(PG_URL) $(FLASK) load-framework
	DATABASE_URL=$(PG_URL) $(FLASK) seed-demo --people $(DEMO_PEOPLE) --if-empty

run-postgres: postgres-db
	DATABASE_URL=$(PG_URL) $(FLASK) run --host 127.0.0.1 --port $(PORT)

## Several app servers, as in production: two gunicorn servers (http://127.0.0.1:$(PORT) and the
## next port) on the PostgreSQL above, sharing rate limits through a local Redis on REDIS_PORT
## (kept in instance/redis, nothing saved to disk), and the notifications sender. Ctrl-C stops them all.
REDIS_DIR := $(CURDIR)/instance/redis
REDIS_PORT ?= 6380
GUNICORN := $(VENV)/bin/gunicorn --workers 2 --no-control-socket

run-cluster: postgres-db
	@mkdir -p $(REDIS_DIR)
	@export DATABASE_URL=$(PG_URL) RATELIMIT_STORAGE_URI=redis://127.0.0.1:$(REDIS_PORT)/0 \
	  SERVICE_URL=$${SERVICE_URL:-http://127.0.0.1:$(PORT)}; \
	trap 'kill $$started 2>/dev/null; wait' EXIT; trap 'exit 130' INT TERM; \
	redis-server --bind 127.0.0.1 --port $(REDIS_PORT) --save '' --appendonly no --dir $(REDIS_DIR) \
	  --pidfile $(REDIS_DIR)/redis.pid --logfile $(REDIS_DIR)/log & started=$$!; \
	for _ in $$(seq 50); do redis-cli -p $(REDIS_PORT) ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done; \
	kill -0 $$started 2>/dev/null && redis-cli -p $(REDIS_PORT) ping 2>/dev/null | grep -q PONG \
	  || { echo "Redis did not start on port $(REDIS_PORT) (see $(REDIS_DIR)/log; REDIS_PORT=... picks another)"; exit 1; }; \
	$(GUNICORN) --bind 127.0.0.1:$(PORT) app:app & started="$$started $$!"; \
	$(GUNICORN) --bind 127.0.0.1:$$(($(PORT) + 1)) app:app & started="$$started $$!"; \
	$(FLASK) send-notifications --loop & started="$$started $$!"; \
	echo "Serving http://127.0.0.1:$(PORT) and http://127.0.0.1:$$(($(PORT) + 1)); Ctrl-C stops both, Redis and the sender"; \
	wait -n

stop-postgres:
	@# Redis stops with run-cluster; this is for one left behind when make itself was killed.
	@pid=$$(cat $(REDIS_DIR)/redis.pid 2>/dev/null); \
	  [ -z "$$pid" ] || [ "$$(ps -p $$pid -o comm= 2>/dev/null)" != redis-server ] || kill $$pid
	@# A server already stopped is no error, so `make clean` still removes everything.
	@[ ! -d $(PG_DIR)/data ] || ! $(AS_PG) $(PG_BIN)/pg_ctl -D $(PG_DIR)/data status >/dev/null \
	  || $(AS_PG) $(PG_BIN)/pg_ctl -D $(PG_DIR)/data -m fast stop

test: install system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest

## wrk, the load generator bench.load drives from a second process, and redis-server, which two
## app servers share rate limits through in `bench.load --servers 2`; installed only when missing.
bench-deps:
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk; }
	@command -v redis-server >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq redis-server; }

## Benchmarks: long runs that do not belong in `make test`. The runs with writes on PostgreSQL
## need its server binaries (system-deps).
bench: install system-deps bench-deps
	$(PY) -m bench.engine
	$(PY) -m bench.explorer
	$(PY) -m bench.schemes
	$(PY) -m bench.learning
	$(PY) -m bench.dashboards
	$(PY) -m bench.people_feed
	$(PY) -m bench.population
	$(PY) -m bench.load
	$(PY) -m bench.load --with-writes --database sqlite
	$(PY) -m bench.load --with-writes --database postgres
	$(PY) -m bench.load --with-writes --database postgres --servers 2

## Ten minutes of mixed reads and writes from several signed-in users through gunicorn.
soak: install
	$(PY) -m bench.soak

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Refresh the committed GOV.UK Frontend assets from the version pinned in package.json.
vendor-govuk:
	npm install --no-audit --no-fund
	rm -rf static/fonts static/images
	cp -r node_modules/govuk-frontend/dist/govuk/assets/fonts node_modules/govuk-frontend/dist/govuk/assets/images static/
	cp node_modules/govuk-frontend/dist/govuk/assets/manifest.json static/
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/

clean: stop-postgres
	rm -rf $(VENV) instance .pytest_cache
