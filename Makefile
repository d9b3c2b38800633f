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

.PHONY: run serve test check setup system-packages static clean bench messages

# Debian packages: Tesseract with its Dutch model for OCR of scanned PDFs (minutes/pdf.py),
# a TrueType font the PDF tests draw their pages with, and GNU gettext, which compiles the
# English translation (locale/). Installed only when missing.
SYSTEM_PACKAGES := tesseract-ocr tesseract-ocr-nld fonts-dejavu-core gettext
# Where the interface's strings are looked for (makemessages) and compiled (compilemessages).
MESSAGE_IGNORE := --ignore .venv --ignore staticfiles --ignore bench --ignore tests --ignore scripts --ignore templates/admin --ignore "minutes/migrations"
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: system-packages $(VENV)/.installed locale/en/LC_MESSAGES/django.mo

# The English interface: compiled from its catalogue whenever that changes.
locale/en/LC_MESSAGES/django.mo: locale/en/LC_MESSAGES/django.po $(VENV)/.installed
	$(PY) manage.py compilemessages --locale en $(MESSAGE_IGNORE) --verbosity 0

# After changing interface strings: gather them into the catalogue (then translate the new
# entries; tests/test_i18n.py fails on any left empty).
messages: setup
	$(PY) manage.py makemessages --locale en --no-obsolete --add-location file $(MESSAGE_IGNORE)

system-packages:
	@if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx nld \
		&& [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && command -v msgfmt >/dev/null 2>&1; then :; \
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
	$(PY) manage.py open_data --ensure
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production-style: gunicorn with gunicorn.conf.py (bind from SGO_BIND or PORT).
serve: static
	$(PY) manage.py migrate --noinput
	$(PY) manage.py search_index --ensure
	$(PY) manage.py open_data --ensure
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
