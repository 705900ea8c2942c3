"""Real answers: tables, highlighted code, safe inline HTML, prompts and long words, read back from real outputs.

The fixture bank tests/fixtures/rich is written the way public banks are: a GFM table, a fenced code block with a
language, <kbd>, <sub>, <details>, a question with code spans, coding exercises that share their question and
differ by their prompt, and a 300-character identifier in a short answer and a table cell.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from click.testing import CliRunner

from prepbook.cli import main
from prepbook.errors import ContentError
from prepbook.load import load_bank
from prepbook.render.anki import FIELDS
from tests.conftest import FIXED_DATE, ROOT, TEMPLATES, BankWriter, record
from tests.htmltree import parse_html

RICH = ROOT / "tests" / "fixtures" / "rich"
LONG_WORD = "averyveryverylongidentifier" * 11 + "end"


def _build(out: Path, *formats: str) -> Path:
    return _build_with(TEMPLATES, out, *formats)


def _build_with(templates: Path, out: Path, *formats: str) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(FIXED_DATE))
        result = CliRunner().invoke(main, ["build", *formats, "--jobs", "1", "--content", str(RICH),
                                           "--templates", str(templates), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The deck and the handbook's HTML: no WeasyPrint needed."""
    return _build(tmp_path_factory.mktemp("rich") / "build", "anki", "html")


def test_coding_exercises_with_the_same_question_and_different_prompts_validate() -> None:
    bank = load_bank(RICH)
    assert [entry.record.question for entry in bank.entries].count("What is the output of the code below?") == 2


def test_same_question_and_same_prompt_is_still_a_duplicate(write_bank: BankWriter) -> None:
    prompt = "```js\nconsole.log(1)\n```"
    content = write_bank({"topic": [record("first", question="What prints?", prompt=prompt),
                                    record("second", question="What prints?", prompt=prompt)]})
    with pytest.raises(ContentError) as raised:
        load_bank(content)
    (problem,) = raised.value.problems
    assert problem.path.endswith("001-second.yaml") and problem.message.startswith("same question as ")


# --- PDF ----------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    reader = pypdf.PdfReader(_build(tmp_path_factory.mktemp("rich-pdf") / "build", "pdf") / "handbook.pdf")
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.weasyprint
def test_pdf_shows_tables_code_and_inline_html_rendered_not_as_source(pdf_text: str) -> None:
    for source in ("|---", "| Mutates", "<sub>", "<kbd>", "<details>", "<summary>", "<br/>", "```", "`slice`"):
        assert source not in pdf_text, source
    flat = " ".join(pdf_text.split())
    assert "What is the difference between slice and splice?" in flat
    assert "Mutates no yes" in flat  # a table row, cell after cell
    assert "const b = a.slice(1); // [2, 3]" in flat
    # Tags outside the safe set, or with attributes, are shown as typed.
    assert '<span onclick="x()">span</span>' in flat and "<u>underline</u>" in flat
    assert "<i>" not in flat and "<b>" not in flat and "<strong>" not in flat


@pytest.mark.weasyprint
def test_pdf_prints_a_prompt_under_its_question(pdf_text: str) -> None:
    flat = " ".join(pdf_text.split())
    for number, keyword, answer in (("1.2", "var", "It prints 3 three times"), ("1.3", "let", "It prints 0, 1, 2")):
        question = flat.index(f"{number} What is the output of the code below?")
        prompt = flat.index(f"for ({keyword} i = 0; i < 3; i++) setTimeout(() => console.log(i));")
        assert question < prompt < flat.index(answer)


def _text_boxes(box: Any) -> Iterator[Any]:
    from weasyprint.formatting_structure.boxes import TextBox

    if isinstance(box, TextBox):
        yield box
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child)


@pytest.mark.weasyprint
def test_every_word_lands_inside_the_page_box(built: Path) -> None:
    """Long identifiers, code in narrow table cells (".values()" admits no break before its dot): nothing runs
    off the page. Read from WeasyPrint's own text boxes."""
    import weasyprint

    from prepbook.render.fetcher import ProjectFetcher

    document = weasyprint.HTML(filename=str(built / "handbook.html"), base_url=TEMPLATES.as_uri() + "/",
                               url_fetcher=ProjectFetcher([TEMPLATES])).render()
    pieces = 0
    for page in document.pages:
        page_box = page._page_box
        left, right = page_box.content_box_x(), page_box.content_box_x() + page_box.width
        for box in _text_boxes(page_box):
            assert box.position_x >= left - 0.5, box.text
            assert box.position_x + box.width <= right + 0.5, (box.text, box.position_x + box.width, right)
            piece = box.text.replace("\u200b", "").replace("\u00ad", "").rstrip("-\u2010")
            pieces += len(piece) >= 6 and piece in LONG_WORD
    # The 300-character word, in the short answer and in a table cell, over several lines each.
    assert pieces >= 6


# --- Anki ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def notes(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, str]]]:
    collection = Collection(str(tmp_path_factory.mktemp("anki") / "collection.anki2"))
    try:
        collection.import_anki_package(ImportAnkiPackageRequest(package_path=str(built / "deck.apkg"),
                                                                options=ImportAnkiPackageOptions()))
        fields = {}
        for note_id in collection.find_notes(""):
            note = collection.get_note(note_id)
            fields[note["RecordId"]] = dict(note.items())
        yield fields
    finally:
        collection.close()


def test_deck_note_type_keeps_its_fields(notes: dict[str, dict[str, str]]) -> None:
    assert all(list(fields) == list(FIELDS) for fields in notes.values())


def test_deck_fields_hold_a_table_and_highlighted_code(notes: dict[str, dict[str, str]]) -> None:
    fields = notes["slice-vs-splice"]
    assert '<div class="table-wrap"><table' in fields["DeepDive"]
    assert '<th class="align-center"><code>slice()</code></th>' in fields["DeepDive"]
    assert '<td class="align-center"><code>a | b</code></td>' in fields["DeepDive"]
    assert re.search(r'<pre><code><span class="hl-k\w*">const</span>', fields["Example"])
    assert "<kbd>Ctrl</kbd>" in fields["DeepDive"] and "x<sub>i</sub>" in fields["DeepDive"]
    assert "<details>" in fields["Mistakes"] and "<summary><b>Answer</b></summary>" in fields["Mistakes"]
    assert "<i>italic</i>" in fields["Mistakes"] and "<strong>strong</strong>" in fields["Mistakes"]
    assert "&lt;span onclick=\"x()\"&gt;" in fields["Mistakes"] and "<span onclick" not in fields["Mistakes"]
    assert "What is the difference between <code>slice</code> and <code>splice</code>?" in fields["Question"]


def test_deck_puts_the_prompt_into_the_question_field(notes: dict[str, dict[str, str]]) -> None:
    question = notes["output-closure"]["Question"]
    assert "What is the output of the code below?\n<div class=\"prompt\"><pre><code>" in question
    assert "setTimeout" in question and "console" in question


def test_html_preview_prints_tables_as_tables(built: Path) -> None:
    document = (built / "handbook.html").read_text(encoding="utf-8")
    assert document.count("<table") == 1 and "|---" not in document
    assert document.count('class="prompt"') == 2


def test_the_readme_example_record_is_valid_and_uses_each_feature(write_bank: BankWriter) -> None:
    import yaml

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"^````yaml\n(.*?)^````$", readme, flags=re.DOTALL | re.MULTILINE)
    data = yaml.safe_load(example)
    bank = load_bank(write_bank({"javascript": [data]}))
    text = example
    for feature in ("prompt:", "|---|", "```javascript", "<kbd>", "<sup>", "<details>", "`"):
        assert feature in text, feature
    assert bank.entries[0].record.prompt


def test_html_preview_finds_every_font_its_stylesheet_names_beside_it(built: Path) -> None:
    document = (built / "handbook.html").read_text(encoding="utf-8")
    urls = re.findall(r'url\("([^"]+)"\)', document)
    assert len(urls) >= 10 and all(url.startswith("fonts/") for url in urls)
    for url in urls:
        assert (built / url).is_file(), url
    assert (built / "fonts" / "LICENSE-SourceSerifPro.txt").is_file()  # the licences travel with the fonts


@pytest.mark.weasyprint
def test_html_preview_opened_from_the_build_folder_is_set_in_the_books_faces(built: Path) -> None:
    """A real renderer opens the preview where it lies, reading only the build folder, and embeds the book's
    own faces: the fonts loaded."""
    import weasyprint

    from prepbook.render.fetcher import ProjectFetcher

    pdf = weasyprint.HTML(filename=str(built / "handbook.html"), url_fetcher=ProjectFetcher([built])).write_pdf()
    fonts = {str(font.get("/BaseFont")) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
             for font in page["/Resources"]["/Font"].values()
             for font in [font.get_object()]}
    # The @font-face families, loaded from build/fonts; without them the faces are the system's (DejaVu...).
    assert any(name.endswith("+Body-Serif") for name in fonts), fonts
    assert any(name.endswith("+Heading-Sans") for name in fonts), fonts


def test_sheet_turns_html_emphasis_into_markdown(tmp_path: Path) -> None:
    sheet = _build(tmp_path / "build", "md") / "cheatsheet.md"
    text = sheet.read_text(encoding="utf-8")
    assert "**Answer**" in text and "*italic*" in text and "**strong**" in text
    assert "<b>" not in text and "<i>" not in text
    assert "&lt;u>underline&lt;/u>" in text  # a tag outside the safe set is shown as typed


def test_a_question_with_a_link_and_a_details_tag_stays_one_entry_in_the_contents(write_bank: BankWriter,
                                                                                 tmp_path: Path) -> None:
    question = "What does [Feast](https://feast.dev) do <details>now</details> with `code`?"
    content = write_bank({"topic": [record("linked", question=question), record("other", see_also=["linked"])]})
    out = tmp_path / "build"
    result = CliRunner().invoke(main, ["build", "html", "--content", str(content), "--templates", str(TEMPLATES),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    document = parse_html((out / "handbook.html").read_text(encoding="utf-8"))
    entries = [link for link in document.find_all("a")
               if link.attrs.get("href") == "#q-linked" and "What does" in link.text]
    assert len(entries) >= 2  # the contents and the see-also line
    for entry in entries:
        assert not entry.find_all("a", "details", "summary"), entry  # no link inside a link, no block in it
        assert "What does Feast do now with code?" in " ".join(entry.text.split())


def test_a_restyled_copy_without_fonts_still_builds_the_preview(tmp_path: Path) -> None:
    import shutil

    templates = tmp_path / "my-look"
    shutil.copytree(TEMPLATES, templates)
    shutil.rmtree(templates / "fonts")
    out = _build_with(templates, tmp_path / "build", "html")
    assert (out / "handbook.html").is_file() and not (out / "fonts").exists()


def test_text_that_trips_the_rust_parser_builds_without_a_panic_report(write_bank: BankWriter,
                                                                        tmp_path: Path) -> None:
    import subprocess
    import sys

    content = write_bank({"topic": [record("odd", answer={"short": "A [link` that never closes."})]})
    finished = subprocess.run([sys.executable, "-m", "prepbook", "build", "md", "--content", str(content),
                               "--templates", str(TEMPLATES), "--out", str(tmp_path / "build")],
                              capture_output=True, text=True, timeout=120, check=False,
                              env={**os.environ, "RUST_BACKTRACE": "1"})
    assert finished.returncode == 0, finished.stderr
    assert "panicked" not in finished.stderr and "backtrace" not in finished.stderr.lower()
