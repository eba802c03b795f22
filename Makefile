# The README's two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 5000

.PHONY: run test install translations lint

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	@for dir in $$(find marketplace -path '*/translations' -type d); do \
		$(VENV)/bin/pybabel --quiet compile -f -d $$dir || exit 1; done

run: install
	$(VENV)/bin/flask --app wsgi db upgrade
	$(VENV)/bin/flask --app wsgi seed-demo
	$(VENV)/bin/flask --app wsgi run --host 127.0.0.1 --port $(PORT)

test: install
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
