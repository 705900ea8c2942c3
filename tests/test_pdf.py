"""The printed handbook, read back from the PDF bytes the way a reader's viewer sees them."""

from __future__ import annotations

import io
import logging
import re

import pypdf
import pytest

from prepbook.bank import Bank
from prepbook.load import load_bank
from prepbook.models import SECTIONS
from prepbook.render import Settings
from prepbook.render.html import HandbookOptions, handbook_html
from prepbook.render.pdf import RENDERER, PdfOptions

ONE_JOB = PdfOptions(jobs=1)


def handbook_pdf(bank: Bank, settings: Settings, options: PdfOptions) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(RENDERER.render(bank, settings, options)[RENDERER.filename]))
from tests.conftest import record

pytestmark = pytest.mark.weasyprint

A4 = (595, 842)
LETTER = (612, 792)


def _flat(text: str) -> str:
    return " ".join(_same_glyphs(text).split())


def _same_glyphs(text: str) -> str:
    """Undo text-extraction artefacts that are not differences on paper: a font's one glyph for '-' and
    U+2010, or for ' ' and U+00A0, maps back to whichever character a document used first; U+200B is the
    invisible character that gives a see-also page-number slot its line height."""
    return text.replace("\u2010", "-").replace("\xa0", " ").replace("\u200b", "")


def _outline(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    """(level, title, 1-based page) for every bookmark, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return found


@pytest.fixture(scope="module")
def handbook(bank: Bank) -> pypdf.PdfReader:
    from tests.conftest import FIXED_DATE, TEMPLATES

    settings = Settings(templates_dir=TEMPLATES, source_date=FIXED_DATE, source_date_fixed=True)
    return handbook_pdf(bank, settings, ONE_JOB)


@pytest.fixture(scope="module")
def page_texts(handbook: pypdf.PdfReader) -> list[str]:
    # Layout mode reads text by position: a page number stamped onto a part reads where it stands.
    return [_flat(page.extract_text(extraction_mode="layout")) for page in handbook.pages]


def test_every_question_and_all_five_section_headings_appear(bank: Bank, page_texts: list[str]) -> None:
    whole = " ".join(page_texts)
    for entry in bank.entries:
        assert entry.record.question in whole
    for section in SECTIONS:
        # Section headings are set in small capitals by CSS (text-transform), hence upper case in the text.
        assert whole.count(section.title.upper()) == len(bank.entries), section.title


def test_outline_has_every_topic_and_question_under_it(bank: Bank, handbook: pypdf.PdfReader,
                                                       page_texts: list[str]) -> None:
    outline = _outline(handbook)
    topics = [title for level, title, _ in outline if level == 1]
    for chapter in bank.chapters:
        assert chapter.info.title in topics
        for entry in chapter.entries:
            level, title, page = next(item for item in outline if item[1].startswith(entry.number + " "))
            assert (level, title) == (2, f"{entry.number} {entry.record.question}")
            # The bookmark lands on the page that shows the heading.
            assert f"{entry.number} {entry.record.question}" in page_texts[page - 1]


def test_toc_page_numbers_are_the_pages_of_the_headings(bank: Bank, handbook: pypdf.PdfReader,
                                                        page_texts: list[str]) -> None:
    heading_page = {title: page for _, title, page in _outline(handbook)}
    toc_text = next(text for text in page_texts if text.startswith("Contents") or " Contents " in text[:40])
    for entry in bank.entries:
        match = re.search(re.escape(f"{entry.number} {entry.record.question}") + r"[ .]*?(\d+)", toc_text)
        assert match, entry.number
        assert int(match.group(1)) == heading_page[f"{entry.number} {entry.record.question}"]


def test_toc_entries_are_links_to_their_questions(bank: Bank, handbook: pypdf.PdfReader) -> None:
    toc_page = next(page for page in handbook.pages if "Contents" in page.extract_text()[:200])
    links = [annotation.get_object() for annotation in toc_page.get("/Annots", [])]
    internal = [link for link in links if link.get("/Subtype") == "/Link" and "/Dest" in link or "/A" in link]
    assert len(internal) >= len(bank.entries) + len(bank.chapters)


def test_internal_links_are_clickable_where_their_text_is(handbook: pypdf.PdfReader) -> None:
    """Each link's area is the box of its own text: inside the page, one line high (an assembled part's links
    used to take WeasyPrint's corners for a width and a height)."""
    count = 0
    for page in handbook.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        for ref in page.get("/Annots", []):
            annotation = ref.get_object()
            if "/Dest" not in annotation:
                continue
            left, bottom, right, top = (float(value) for value in annotation["/Rect"])
            assert 0 <= left <= right <= width and 0 <= bottom <= top <= height, annotation["/Rect"]
            assert top - bottom < 20, annotation["/Rect"]  # one line of text, not a slab of the page
            count += 1
    assert count > 10


def test_footer_counts_pages_and_cover_has_none(handbook: pypdf.PdfReader, page_texts: list[str]) -> None:
    total = len(handbook.pages)
    assert "page " not in page_texts[0]  # the cover
    for number, text in enumerate(page_texts[1:], start=2):
        # Blank left-hand pages (so that sections start on the right) carry no head or footer either.
        if text:
            assert re.findall(r"page (\d+) of (\d+)", text) == [(str(number), str(total))], number


def test_metadata_from_book_yaml(bank: Bank, handbook: pypdf.PdfReader) -> None:
    meta = handbook.metadata
    assert meta.title == bank.book.title
    assert meta.author == bank.book.author
    assert meta.subject
    assert "mlops" in (meta.get("/Keywords") or "")


def test_see_also_cites_number_and_page_of_the_target(bank: Bank, handbook: pypdf.PdfReader,
                                                      page_texts: list[str]) -> None:
    heading_page = {title.split(" ", 1)[0]: page for level, title, page in _outline(handbook) if level == 2}
    whole = " ".join(page_texts)
    for entry in bank.entries:
        for target in entry.record.see_also:
            other = bank.by_id[target]
            assert f"{other.number} {other.record.question}, p. {heading_page[other.number]}" in whole


def test_tag_index_lists_every_tag_with_pages(bank: Bank, handbook: pypdf.PdfReader, page_texts: list[str]) -> None:
    heading_page = {title.split(" ", 1)[0]: page for level, title, page in _outline(handbook) if level == 2}
    index_text = page_texts[-1]
    assert "Index of tags" in index_text
    for tag, entries in bank.tags.items():
        assert tag in index_text
        for entry in entries:
            assert f"{entry.number} (p. {heading_page[entry.number]})" in index_text


@pytest.mark.parametrize(("paper", "size"), [("a4", A4), ("letter", LETTER)])
def test_paper_size(write_bank, settings: Settings, paper: str, size: tuple[int, int]) -> None:
    bank = load_bank(write_bank({"basics": [record("alpha")]}))
    reader = handbook_pdf(bank, settings, PdfOptions(paper=paper, jobs=1))
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size


def test_long_answers_code_and_many_tags_lay_out_cleanly(write_bank, settings: Settings,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    code = "\n".join(f"    result_{i} = compute(batch[{i}], learning_rate=0.001 * {i}) # {'x' * 90}" for i in range(80))
    long_text = " ".join(["Gradient descent walks downhill along the loss surface."] * 400)
    tags = [f"tag-{i}" for i in range(40)]
    records = [record(f"long-{i}", tags=tags, answer={"deep_dive": long_text + "\n\n" + code,
                                                      "example": "`" + "inline_code_" * 30 + "`"})
               for i in range(3)]
    bank = load_bank(write_bank({"stress": records}))
    with caplog.at_level(logging.WARNING):
        reader = handbook_pdf(bank, settings, ONE_JOB)
    # The only tolerated warning: the slower font subsetter on machines without libharfbuzz-subset.
    problems = [r for r in caplog.records if r.name.startswith("weasyprint") and "HarfBuzz-Subset" not in r.message]
    assert not problems, caplog.text
    text = _flat(" ".join(page.extract_text() for page in reader.pages))
    assert "result_79 = compute(batch[79]" in text
    assert len(reader.pages) > 10


def test_raw_html_in_content_is_printed_as_text(write_bank, settings: Settings) -> None:
    bank = load_bank(write_bank({"basics": [record(
        "html", question="Is <u>this</u> underlined?",
        answer={"short": "Use <em class=x>tags & <script>alert(1)</script>."})]}))
    text = _flat(" ".join(page.extract_text() for page in
                          handbook_pdf(bank, settings, ONE_JOB).pages))
    # Outside the safe set, or with an attribute: shown as typed.
    assert "Is <u>this</u> underlined?" in text
    assert "Use <em class=x>tags & <script>alert(1)</script>." in text


def _layout_lines(page: pypdf.PageObject) -> list[str]:
    """The page's text placed as on paper (rows by position), blank rows dropped."""
    lines = _same_glyphs(page.extract_text(extraction_mode="layout")).splitlines()
    return [line.rstrip() for line in lines if line.strip()]


def _single_pass(bank: Bank, settings: Settings) -> bytes:
    """The whole handbook HTML laid out by WeasyPrint at once: the reference the assembled book must equal."""
    # Imported here: pytest imports this module even when `-m "not weasyprint"` deselects all of it.
    from prepbook.render.layout import lay_out

    return lay_out(handbook_html(bank, settings, HandbookOptions()), str(settings.templates_dir), settings.source_date).pdf


def test_parallel_parts_assemble_into_the_single_pass_book(write_bank, settings: Settings) -> None:
    """Chapters laid out in workers, then stamped and merged, give the book a single pass gives: the same
    pages with the same text in the same places (footers, running heads, contents and index numbers,
    see-also pages), the same outline and working links across chapters."""
    topics = {
        f"topic-{n}": [record(f"q{n}-{i}", tags=[f"tag-{i % 3}"], see_also=[f"q{(n + 1) % 3}-{i}"],
                              answer={"deep_dive": " ".join(["Layout text for page breaks."] * (40 + 25 * i))})
                       for i in range(4)]
        for n in range(3)
    }
    bank = load_bank(write_bank(topics))
    single = pypdf.PdfReader(io.BytesIO(_single_pass(bank, settings)))
    parallel = handbook_pdf(bank, settings, PdfOptions(jobs=2))
    assert len(parallel.pages) == len(single.pages) > 12
    for number, (one, two) in enumerate(zip(single.pages, parallel.pages, strict=True), start=1):
        assert _layout_lines(two) == _layout_lines(one), f"page {number}"
    assert _outline(parallel) == _outline(single)
    assert parallel.metadata.title == single.metadata.title
    # Every internal link lands on the page where its target's heading is, as in the single pass.
    assert _link_targets(parallel) == _link_targets(single)


def _link_targets(reader: pypdf.PdfReader) -> set[tuple[int, int]]:
    """(page of the link, page it leads to) for every internal link. A set: a link that wraps or has a
    generated page number is drawn as one rectangle or several, which is not a difference to a reader."""
    found = []
    for number, page in enumerate(reader.pages, start=1):
        for ref in page.get("/Annots", []):
            annotation = ref.get_object()
            destination = annotation.get("/Dest")
            if destination is None:
                continue
            if isinstance(destination, (str, bytes)) or not hasattr(destination, "__getitem__"):
                destination = reader.named_destinations[str(destination)]
                target = reader.get_destination_page_number(destination)
            else:
                target = reader.get_page_number(destination[0].get_object())
            found.append((number, target + 1))
    return set(found)


@pytest.mark.parametrize("jobs", [1, 2])
def test_same_content_gives_same_bytes(bank: Bank, settings: Settings, jobs: int) -> None:
    options = PdfOptions(jobs=jobs)
    first, second = (RENDERER.render(bank, settings, options)[RENDERER.filename] for _ in range(2))
    assert first == second


def test_every_font_is_embedded(handbook: pypdf.PdfReader) -> None:
    fonts = {}
    for page in handbook.pages:
        for font in page["/Resources"].get_object().get("/Font", {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor").get_object()
            fonts[str(font["/BaseFont"])] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
