# Two commands do everything on a fresh clone:
#   make run   - set up, migrate, import sample_data/ and serve on 127.0.0.1:$(PORT)
#   make test  - set up and run the whole test suite
#   make serve - set up, migrate, bring the search index up to date and serve with gunicorn
#   make bench - the quick import benchmarks: 1,000 and 10,000 generated meetings through
#                import_minutes (BENCH_SERVER: a PostgreSQL server; its databases
#                sgo_bench_import_1k and _10k are dropped and recreated)
PYTHON ?= python3
PORT ?= 8000
BENCH_SERVER ?= postgres://postgres@127.0.0.1:5432
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run serve test check setup system-packages static clean bench

# Debian packages: Tesseract with its Dutch model for OCR of scanned PDFs (minutes/pdf.py),
# and a TrueType font the PDF tests draw their pages with. Installed only when missing.
SYSTEM_PACKAGES := tesseract-ocr tesseract-ocr-nld fonts-dejavu-core
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: system-packages $(VENV)/.installed

system-packages:
	@if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx nld \
		&& [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		echo "installing $(SYSTEM_PACKAGES)"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	else \
		echo "warning: no apt-get; install Tesseract with its Dutch model (nld) for OCR of PDFs"; \
	fi

static: setup
	$(PY) manage.py collectstatic --noinput --verbosity 0

run: static
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_minutes sample_data/
	$(PY) manage.py search_index --ensure
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production-style: gunicorn with gunicorn.conf.py (bind from SGO_BIND or PORT).
serve: static
	$(PY) manage.py migrate --noinput
	$(PY) manage.py search_index --ensure
	$(VENV)/bin/gunicorn --config gunicorn.conf.py

test: static
	$(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	$(PY) -m bench.import_bench --database-url $(BENCH_SERVER)/sgo_bench_import_1k --meetings 1000 --runs 3
	$(PY) -m bench.import_bench --database-url $(BENCH_SERVER)/sgo_bench_import_10k --meetings 10000 --runs 1

check: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles artifacts .pytest_cache
