# The README's two commands: `make run` and `make test`. Everything else is a helper.
#   make run     .venv, install, translations, migrate, demo data, payment stand-ins, order
#                expiry every minute in the background, serve on :PORT
#   make test    .venv, install, translations, the whole pytest suite (SQLite unless
#                TEST_DATABASE_URL is set; browser tests when /usr/bin/chromium exists)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PORT ?= 5000
# Tests run on every core (pytest-xdist); PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= auto
PYTEST_ARGS ?=

# The demo world is the seeds' world: rials (shown as toman in Persian) with Zarinpal and pay at
# pickup. MARKETPLACE_CURRENCY=USD make run starts the same world in dollars with Stripe.
MARKETPLACE_CURRENCY ?= IRR
# Only `make run` gets it: the tests choose their currency themselves.
RUN_ENV := MARKETPLACE_CURRENCY=$(MARKETPLACE_CURRENCY)

# The local Stripe stand-in (devtools/stripe_standin.py) answers the Stripe API on this
# port, so `make run` in dollars can take card payments without a Stripe account.
# STRIPE_STANDIN=0 turns it off (then the app uses whatever STRIPE_* / PAYMENT_PROVIDERS the
# environment has); Stripe takes no rials, so it is off by default in rials.
ifeq ($(MARKETPLACE_CURRENCY),IRR)
STRIPE_STANDIN ?= 0
else
STRIPE_STANDIN ?= 1
endif
STRIPE_STANDIN_PORT ?= 8420
ifneq ($(and $(filter 1,$(STRIPE_STANDIN)),$(wildcard devtools/stripe_standin.py)),)
RUN_ENV += STRIPE_API_BASE=http://127.0.0.1:$(STRIPE_STANDIN_PORT) \
	STRIPE_SECRET_KEY=sk_test_local_standin \
	STRIPE_PUBLISHABLE_KEY=pk_test_local_standin \
	STRIPE_WEBHOOK_SECRET=whsec_local_standin \
	PAYMENT_PROVIDERS=stripe,pay_at_pickup
WITH_STRIPE_STANDIN := 1
endif

# The local Zarinpal stand-in (devtools/zarinpal_standin.py) answers Zarinpal's payment gateway on
# this port. On by default when the marketplace runs in rials (MARKETPLACE_CURRENCY=IRR make run),
# or with ZARINPAL_STANDIN=1; then Zarinpal and pay at pickup are the payment methods.
ifeq ($(MARKETPLACE_CURRENCY),IRR)
ZARINPAL_STANDIN ?= 1
else
ZARINPAL_STANDIN ?= 0
endif
ZARINPAL_STANDIN_PORT ?= 8421
ifneq ($(and $(filter 1,$(ZARINPAL_STANDIN)),$(wildcard devtools/zarinpal_standin.py)),)
RUN_ENV := $(filter-out PAYMENT_PROVIDERS=%,$(RUN_ENV)) \
	ZARINPAL_API_BASE=http://127.0.0.1:$(ZARINPAL_STANDIN_PORT) \
	ZARINPAL_MERCHANT_ID=local-standin-merchant-0000000000000 \
	PAYMENT_PROVIDERS=zarinpal,pay_at_pickup
WITH_ZARINPAL_STANDIN := 1
endif

.PHONY: run test install translations lint migrations-check

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(VENV)/.installed translations

# Every package owns its catalogue (marketplace/<pkg>/translations); compiled here, never by hand.
translations: $(VENV)/.installed
	@for dir in $$(find marketplace -path '*/translations' -type d); do \
		[ -n "$$(find $$dir -name '*.po' -print -quit)" ] || continue; \
		$(VENV)/bin/pybabel --quiet compile -f -d $$dir || exit 1; done

run: install
	@$(RUN_ENV) $(FLASK) db upgrade || { echo "flask db upgrade failed. If migrations/ was \
	regenerated since this database was made, remove the development database \
	(instance/marketplace.sqlite3) and run make run again."; exit 1; }
	$(RUN_ENV) $(FLASK) seed-demo
	@helpers=""; \
	stop_helpers() { for pid in $$helpers; do kill "$$pid" 2>/dev/null; wait "$$pid" 2>/dev/null; done; }; \
	trap stop_helpers EXIT; trap 'exit 130' INT TERM; \
	wait_for() { for _ in $$(seq 1 100); do \
		(exec 3<>/dev/tcp/127.0.0.1/$$1) 2>/dev/null && return 0; \
		kill -0 "$$2" 2>/dev/null || { echo "The $$3 stand-in did not start"; exit 1; }; \
		sleep 0.1; done; }; \
	if [ -n "$(WITH_STRIPE_STANDIN)" ]; then \
		echo "Starting the local Stripe stand-in on http://127.0.0.1:$(STRIPE_STANDIN_PORT)"; \
		$(RUN_ENV) STANDIN_WEBHOOK_URL=http://127.0.0.1:$(PORT)/payments/stripe/webhook \
			$(PY) -m devtools.stripe_standin --port $(STRIPE_STANDIN_PORT) & pid=$$!; \
		helpers="$$helpers $$pid"; wait_for $(STRIPE_STANDIN_PORT) $$pid Stripe; fi; \
	if [ -n "$(WITH_ZARINPAL_STANDIN)" ]; then \
		echo "Starting the local Zarinpal stand-in on http://127.0.0.1:$(ZARINPAL_STANDIN_PORT)"; \
		$(PY) -m devtools.zarinpal_standin --port $(ZARINPAL_STANDIN_PORT) & pid=$$!; \
		helpers="$$helpers $$pid"; wait_for $(ZARINPAL_STANDIN_PORT) $$pid Zarinpal; fi; \
	echo "Expiring unpaid orders every minute in the background (devtools/order_expiry.py)"; \
	$(RUN_ENV) $(PY) -m devtools.order_expiry & helpers="$$helpers $$!"; \
	echo "Bazaarche on http://127.0.0.1:$(PORT)/ (demo logins above; Ctrl-C stops it and the helpers)"; \
	$(RUN_ENV) $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# Fresh SQLite and PostgreSQL databases: upgrade, `db check`, downgrade, upgrade.
migrations-check: $(VENV)/.installed
	scripts/check-migrations

# Load benchmark (bench/README.md): generates 100k products on first use, then gunicorn + wrk
# against the app and a bare Flask endpoint, on SQLite and on PostgreSQL. Never part of `test`.
BENCH_SQLITE ?= sqlite:///$(CURDIR)/bench/data/bench.sqlite3
BENCH_PG ?= postgresql+psycopg://postgres@127.0.0.1:5432/bz_bench
BENCH_ARGS ?=
.PHONY: bench
bench: install
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
	$(PY) -m bench.run --generate-if-missing --database-url $(BENCH_SQLITE) \
		--database-url $(BENCH_PG) --output bench/results/latest.md $(BENCH_ARGS)

# Browser libraries from npm (package.json, package-lock.json), copied into static/vendor/ and
# committed there: `make run` on a fresh machine needs no npm, and no page loads a CDN. Run
# after changing package.json, then commit static/vendor/. axe-core is the tests': the browser
# crawler (tests/e2e/test_crawl_pages.py) injects it into each page it checks.
.PHONY: vendor
vendor:
	npm ci --no-audit --no-fund
	mkdir -p static/vendor/jalalidatepicker
	cp node_modules/@majidh1/jalalidatepicker/dist/jalalidatepicker.min.js \
		node_modules/@majidh1/jalalidatepicker/dist/jalalidatepicker.min.css \
		node_modules/@majidh1/jalalidatepicker/LICENSE static/vendor/jalalidatepicker/
	mkdir -p static/vendor/axe-core
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE static/vendor/axe-core/
