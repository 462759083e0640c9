# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test fuzz lint format deps assets translations migrate audit-key seed serve clean

run: deps assets translations migrate audit-key seed serve

# The suite runs on TEST_WORKERS processes (pytest-xdist); each has its own database.
TEST_WORKERS ?= 2

test: deps assets translations
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The fuzz test at length: FUZZ_EXAMPLES fresh random requests (default 10000) over every role's pages
# and forms; prints how many were sent and their statuses, and fails on any server error.
FUZZ_EXAMPLES ?= 10000
fuzz: deps assets translations
	ODR_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/test_fuzz.py

lint: deps
	$(BIN)/ruff check odr tests bench config.py wsgi.py
	$(BIN)/ruff format --check odr tests bench config.py wsgi.py

format: deps
	$(BIN)/ruff format odr tests bench config.py wsgi.py

deps: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

assets: static/vendor/.installed

static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor/bootstrap static/vendor/bootstrap-icons static/vendor/socket.io static/vendor/echarts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/bootstrap/
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts static/vendor/bootstrap-icons/
	cp node_modules/socket.io-client/dist/socket.io.min.js node_modules/socket.io-client/dist/socket.io.min.js.map static/vendor/socket.io/
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/
	touch $@

translations: deps
	$(BIN)/pybabel compile -d odr/translations

# Re-extract the message catalogue after changing user-facing text, then translate the zh_CN entries.
messages: deps
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o odr/translations/messages.pot --no-location --sort-output --project "ODR platform" .
	$(BIN)/pybabel update -i odr/translations/messages.pot -d odr/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python odr/translations/fill_en.py

migrate: deps
	mkdir -p instance
	$(FLASK) db upgrade

# The key that signs the audit chain's checkpoints: a development key under instance/ if none is
# configured (production: README, "Audit chain").
audit-key: deps
	$(FLASK) odr audit key --create

seed: deps
	$(FLASK) odr seed

serve: deps
	$(FLASK) odr serve --host $(HOST) --port $(PORT)

clean:
	rm -rf $(VENV) node_modules static/vendor
