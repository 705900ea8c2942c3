# Every target first makes .venv when it is missing or older than pyproject.toml:
# on a fresh machine `make pdf` (or `make test`) is the whole set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PREPBOOK := $(BIN)/prepbook
CONTENT ?= content
OUT ?= build

.PHONY: all pdf anki md html validate test test-fast schema bench docs clean

all: $(VENV)/.installed
	$(PREPBOOK) build all --content $(CONTENT) --out $(OUT)

pdf: $(VENV)/.installed
	$(PREPBOOK) build pdf --content $(CONTENT) --out $(OUT)

anki: $(VENV)/.installed
	$(PREPBOOK) build anki --content $(CONTENT) --out $(OUT)

md: $(VENV)/.installed
	$(PREPBOOK) build md --content $(CONTENT) --out $(OUT)

html: $(VENV)/.installed
	$(PREPBOOK) build html --content $(CONTENT) --out $(OUT)

validate: $(VENV)/.installed
	$(PREPBOOK) validate --content $(CONTENT)

# The linter and the type checker first: they take seconds, the suite minutes.
test: $(VENV)/.installed
	$(BIN)/ruff check src tests bench docs
	$(BIN)/mypy
	$(BIN)/python -m pytest

# The edit-test loop: every test but those that lay out a PDF, so neither WeasyPrint nor Pango is needed.
test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -m "not weasyprint"

schema: $(VENV)/.installed
	$(PREPBOOK) schema --out schema

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py

docs: $(VENV)/.installed
	$(BIN)/python docs/make_previews.py

clean:
	rm -rf $(OUT)

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@
