"""A renderer's options are its own: declared once on its options dataclass, offered by the CLI, keyed by it alone."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

import prepbook.cli_options
from prepbook.cli import main
from prepbook.render import Settings, cache_key, get_renderer, option
from prepbook.render.md import CheatsheetOptions
from tests.conftest import FIXED_DATE, TEMPLATES


@dataclasses.dataclass(frozen=True)
class _WiderSheet(CheatsheetOptions):
    line_width: int = option(80, "Wrap the cheat-sheet's paragraphs at this width.")


@pytest.fixture
def sheet_with_a_new_option(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """What adding an option means: one field on one renderer's options class, nothing else touched."""
    monkeypatch.setattr(get_renderer("md"), "options", _WiderSheet)
    prepbook.cli_options.renderer_options.cache_clear()
    yield
    prepbook.cli_options.renderer_options.cache_clear()


@pytest.mark.usefixtures("sheet_with_a_new_option")
def test_a_new_option_is_offered_by_build_with_its_help_and_default() -> None:
    result = CliRunner().invoke(main, ["build", "--help"])
    assert result.exit_code == 0
    assert "--line-width" in result.output and "Wrap the cheat-sheet's paragraphs" in result.output


@pytest.mark.usefixtures("sheet_with_a_new_option")
def test_a_new_option_changes_only_its_own_renderers_cache_key() -> None:
    settings = Settings(templates_dir=TEMPLATES, source_date=FIXED_DATE, source_date_fixed=True)
    narrow, wide = _WiderSheet(line_width=60), _WiderSheet(line_width=100)
    assert cache_key(settings, narrow) != cache_key(settings, wide)
    deck = get_renderer("anki")
    assert cache_key(settings, deck.options()) == cache_key(settings, deck.options())


def test_options_that_cannot_change_bytes_stay_out_of_the_key() -> None:
    from prepbook.render.pdf import PdfOptions

    settings = Settings(templates_dir=TEMPLATES, source_date=FIXED_DATE, source_date_fixed=True)
    assert cache_key(settings, PdfOptions(jobs=1)) == cache_key(settings, PdfOptions(jobs=8))
    assert cache_key(settings, PdfOptions(paper="a4")) != cache_key(settings, PdfOptions(paper="letter"))


def test_choices_come_from_the_option_types() -> None:
    result = CliRunner().invoke(main, ["build", "--help"])
    assert "[a4|letter]" in result.output and "[github|gitlab|mkdocs]" in result.output
