# Every target first makes .venv when it is missing or older than pyproject.toml:
# on a fresh machine `make pdf` (or `make test`) is the whole set-up.
# Building installs prepbook alone; the test targets add its test tools. Each kind of install has its own stamp,
# so `make test` after `make all` adds the tools, and a test install serves building as it is.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PREPBOOK := $(BIN)/prepbook
BUILD_TOOLS := $(VENV)/.installed-build
TEST_TOOLS := $(VENV)/.installed-test
CONTENT ?= content
OUT ?= build

.PHONY: all pdf anki md html validate test test-fast schema bench docs clean

all: $(BUILD_TOOLS)
	$(PREPBOOK) build all --content $(CONTENT) --out $(OUT)

pdf: $(BUILD_TOOLS)
	$(PREPBOOK) build pdf --content $(CONTENT) --out $(OUT)

anki: $(BUILD_TOOLS)
	$(PREPBOOK) build anki --content $(CONTENT) --out $(OUT)

md: $(BUILD_TOOLS)
	$(PREPBOOK) build md --content $(CONTENT) --out $(OUT)

html: $(BUILD_TOOLS)
	$(PREPBOOK) build html --content $(CONTENT) --out $(OUT)

validate: $(BUILD_TOOLS)
	$(PREPBOOK) validate --content $(CONTENT)

# The linter and the type checker first: they take seconds, the suite minutes.
test: $(TEST_TOOLS)
	$(BIN)/ruff check src tests bench docs
	$(BIN)/mypy
	$(BIN)/python -m pytest

# The edit-test loop: every test but those that lay out a PDF, so neither WeasyPrint nor Pango is needed.
test-fast: $(TEST_TOOLS)
	$(BIN)/python -m pytest -m "not weasyprint"

schema: $(BUILD_TOOLS)
	$(PREPBOOK) schema --out schema

bench: $(BUILD_TOOLS)
	$(BIN)/python bench/run.py

docs: $(BUILD_TOOLS)
	$(BIN)/python docs/make_previews.py

clean:
	rm -rf $(OUT)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$@ -m pip install --quiet --upgrade pip

$(BUILD_TOOLS): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_TOOLS): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(BUILD_TOOLS)
