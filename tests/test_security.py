"""Hostile content is inert in every output, and the PDF renderer reads nothing outside the templates folder.

The corpus is tests/fixtures/hostile/: one record per attack vector, the vector in the question and, on a line of
its own and inside a sentence ("Before <vector> after."), in all five answer sections; every vector also sits in
book.yaml's subtitle, author and topic description, and the title carries the ones aimed at the HTML head and the
stylesheet. It is built into every format, the PDF in a build of its own that records every URL the renderer asked
for, and each output is read back the way its consumer reads it: pypdf, the real Anki library, a GFM renderer.
"""

from __future__ import annotations

import html
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import cmarkgfm
import pypdf
import pytest
import yaml
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from click.testing import CliRunner
from cmarkgfm.cmark import Options
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from prepbook.cli import main
from prepbook.render.anki import FIELDS
from tests.conftest import FIXED_DATE, ROOT, TEMPLATES, BankWriter, record
from tests.htmltree import Element, parse_html

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcherResponse

    from prepbook.render.fetcher import ProjectFetcher

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"

# Record id → the attack it carries.
VECTORS: dict[str, str] = {
    "script-tag": "<script>alert(1)</script>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "iframe": '<iframe src="https://evil.example/">',
    "style-tag": "<style>body{background:url(https://evil.example/x.png)}</style>",
    "javascript-link": "[click](javascript:alert(1))",
    "data-link": "[data](data:text/html;base64,PHNjcmlwdD4=)",
    "file-anchor": '<a href="file:///etc/passwd">x</a>',
    "remote-image": "![img](https://evil.example/x.png)",
    "file-image": "![local](file:///etc/passwd)",
    "relative-image": "![rel](../../../etc/passwd)",
    "stylesheet-link": "<link rel=stylesheet href=https://evil.example/x.css>",
    "svg-onload": "<svg onload=alert(1)>",
    "javascript-autolink": "<javascript:alert(1)>",
    "anki-sound": "[sound:https://evil.example/a.mp3]",
    "anki-cloze": "{{c1::cloze}}",
    "jinja-expression": "{{ 7*7 }}",
    "jinja-raw": "{% raw %}",
}
TITLE_VECTORS = ('</style></head><body onload=alert(1)>',
                 '"; } body { background: url(https://evil.example) } "',
                 "{{ 7*7 }}")
SECTIONS = ("short", "deep_dive", "example", "mistakes", "in_production")
# Images are supported nowhere: a Markdown image to a web page or a relative path shows "!" and a link (links to
# web pages may stay). Every other vector must come out as exactly the text that was typed.
SHOWN_AS_LINK = {"remote-image": "!img", "relative-image": "!rel"}

FORBIDDEN_TAGS = {"script", "iframe", "frame", "style", "img", "svg", "link", "object", "embed", "form", "base",
                  "meta", "math"}
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "xlink:href", "background", "poster", "data"}
DANGEROUS_SCHEMES = ("javascript:", "data:", "file:", "vbscript:")
# GitHub's extension set; the same without tagfilter stands for a wiki that does not filter raw HTML. Both render
# with CMARK_OPT_UNSAFE, as a wiki that sanitises afterwards (or never) does: cmark's own safe mode would hide
# exactly what these tests look for.
GFM_EXTENSIONS = {
    "gfm": ["table", "autolink", "strikethrough", "tagfilter", "tasklist"],
    "gfm-without-tagfilter": ["table", "autolink", "strikethrough", "tasklist"],
}


def expected_text(record_id: str) -> str:
    """What a reader must see for the sentence carrying this record's vector."""
    return f"Before {SHOWN_AS_LINK.get(record_id, VECTORS[record_id])} after."


def visible(markup: Element) -> str:
    """The text, each run of whitespace one space, as a page shows it."""
    return " ".join(markup.text.split())


def forbidden_elements(markup: Element) -> list[str]:
    """Elements that run, embed, style or load something."""
    return [element.tag for element in markup.find_all(*FORBIDDEN_TAGS)]


def handlers(markup: Element) -> list[str]:
    """Event handler and inline style attributes."""
    return [f"<{element.tag} {name}={value!r}>" for element in markup.elements() for name, value in element.attributes
            if name.startswith("on") or name == "style"]


def dangerous_urls(markup: Element) -> list[str]:
    return [value for value in urls(markup) if dangerous_url(value)]


def urls(markup: Element) -> list[str]:
    return [value for element in markup.elements() for name, value in element.attributes if name in URL_ATTRIBUTES]


def problems(markup: Element) -> list[str]:
    """Everything in this markup that could run a script or load a resource."""
    return [*forbidden_elements(markup), *handlers(markup), *dangerous_urls(markup)]


def dangerous_url(url: str) -> bool:
    # Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
    squeezed = re.sub(r"[\x00-\x20]", "", html.unescape(url)).lower()
    return squeezed.startswith(DANGEROUS_SCHEMES)


def flat(text: str) -> str:
    """PDF text with line breaks, hyphenation and spacing artefacts gone, for substring checks."""
    text = text.replace("\u2010", "-").replace("\xa0", " ").replace("\u200b", "")
    return re.sub(r"-\n|\s+", "", text)


# --- the corpus ---------------------------------------------------------------------------------------------------


def test_fixture_carries_every_vector_in_every_field() -> None:
    book = yaml.safe_load((HOSTILE / "book.yaml").read_text(encoding="utf-8"))
    for vector in VECTORS.values():
        for where in (book["subtitle"], book["author"], book["topics"][0]["description"]):
            assert vector in where
    assert all(vector in book["title"] for vector in TITLE_VECTORS)
    records = {data["id"]: data for data in (yaml.safe_load(path.read_text(encoding="utf-8"))
                                             for path in sorted((HOSTILE / "hostile").glob("*.yaml")))}
    assert set(records) == set(VECTORS)
    for record_id, vector in VECTORS.items():
        assert records[record_id]["question"] == f"Is {vector} shown literally?"
        for section in SECTIONS:
            assert records[record_id]["answer"][section] == f"{vector}\n\nBefore {vector} after.\n"


def build_corpus(out: Path, *formats: str) -> None:
    """Build the corpus at the fixed date in this process (jobs=1), where a patched fetcher sees every request."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(FIXED_DATE))
        result = CliRunner().invoke(main, ["build", *formats, "--jobs", "1", "--content", str(HOSTILE),
                                           "--templates", str(TEMPLATES), "--out", str(out)])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build folder holding the corpus as a deck, a cheat-sheet and the handbook's HTML: no WeasyPrint in it."""
    out = tmp_path_factory.mktemp("hostile") / "build"
    build_corpus(out, "anki", "md", "html")
    return out


@pytest.fixture(scope="module")
def project_fetcher() -> type[ProjectFetcher]:
    # Imported here, not at the top: the fetcher imports WeasyPrint, which the deck and sheet tests must not need.
    from prepbook.render.fetcher import ProjectFetcher

    return ProjectFetcher


@dataclass(frozen=True)
class PdfBuild:
    out: Path
    requested: list[str]  # every URL any ProjectFetcher was asked for during the build


@pytest.fixture(scope="module")
def pdf_build(tmp_path_factory: pytest.TempPathFactory, project_fetcher: type[ProjectFetcher]) -> PdfBuild:
    """The corpus built into the PDF in this process (jobs=1), recording every URL the renderer asked for."""
    out = tmp_path_factory.mktemp("hostile-pdf") / "build"
    requested: list[str] = []
    fetch = project_fetcher.fetch

    def recording_fetch(self: ProjectFetcher, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        requested.append(url)
        return fetch(self, url, headers)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(project_fetcher, "fetch", recording_fetch)
        build_corpus(out, "pdf")
    return PdfBuild(out, requested)


# --- PDF ----------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf(pdf_build: PdfBuild) -> pypdf.PdfReader:
    return pypdf.PdfReader(pdf_build.out / "handbook.pdf")


@pytest.fixture(scope="module")
def pdf_text(pdf: pypdf.PdfReader) -> str:
    return flat("\n".join(page.extract_text() for page in pdf.pages))


@pytest.mark.weasyprint
def test_pdf_renderer_asked_only_for_files_in_the_templates_folder(pdf_build: PdfBuild) -> None:
    assert pdf_build.requested, "the recording fetcher saw nothing: the build did not go through ProjectFetcher"
    for url in pdf_build.requested:
        parts = urlsplit(url)
        assert parts.scheme == "file" and parts.netloc == "", url
        assert Path(unquote(parts.path)).resolve().is_relative_to(TEMPLATES.resolve()), url


@pytest.mark.weasyprint
@pytest.mark.parametrize("record_id", [record_id for record_id in VECTORS if record_id not in SHOWN_AS_LINK])
def test_pdf_prints_vector_literally(pdf_text: str, record_id: str) -> None:
    vector = VECTORS[record_id]
    assert flat(f"Is {vector} shown literally?") in pdf_text
    assert pdf_text.count(flat(f"Before {vector} after.")) == len(SECTIONS)


@pytest.mark.weasyprint
@pytest.mark.parametrize(("record_id", "printed"), [
    # The printed page spells out where a web link goes; a relative link leads nowhere a reader can follow.
    ("remote-image", "Before !img (https://evil.example/x.png) after."),
    ("relative-image", "Before !rel after."),
])
def test_pdf_prints_image_as_exclamation_mark_and_link(pdf_text: str, record_id: str, printed: str) -> None:
    assert SHOWN_AS_LINK[record_id] in printed
    assert pdf_text.count(flat(printed)) == len(SECTIONS)


@pytest.mark.weasyprint
def test_pdf_prints_book_fields_literally(pdf_text: str, pdf: pypdf.PdfReader) -> None:
    book = yaml.safe_load((HOSTILE / "book.yaml").read_text(encoding="utf-8"))
    for key in ("title", "subtitle", "author"):
        assert flat(book[key]) in pdf_text, key
    assert pdf.metadata is not None and pdf.metadata.title == book["title"]


@pytest.mark.weasyprint
def test_pdf_evaluates_no_template_syntax_from_content(pdf_text: str) -> None:
    assert flat("Edition {{ 7*7 }}").lower() in pdf_text.lower()  # the cover sets it in capitals
    assert "49" not in pdf_text


def _pdf_objects(reader: pypdf.PdfReader) -> Iterator[DictionaryObject]:
    """Every dictionary reachable from the trailer (pages, annotations, actions, outline, catalog...)."""
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [reader.trailer]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            yield item
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def _pdf_uris(reader: pypdf.PdfReader) -> list[str]:
    return [str(item["/URI"]) for item in _pdf_objects(reader) if "/URI" in item]


@pytest.mark.weasyprint
@pytest.mark.parametrize("scheme", [
    "javascript:",
    "data:",
    "file:",
])
def test_pdf_has_no_link_to_scheme(pdf: pypdf.PdfReader, scheme: str) -> None:
    uris = _pdf_uris(pdf)
    assert any(uri.startswith("https://evil.example/") for uri in uris), "the corpus's web links are missing"
    assert [uri for uri in uris if uri.lower().startswith(scheme)] == []


@pytest.mark.weasyprint
def test_pdf_has_no_script_or_launch_action(pdf_build: PdfBuild, pdf: pypdf.PdfReader) -> None:
    data = (pdf_build.out / "handbook.pdf").read_bytes()
    for name in (b"/JS", b"/JavaScript", b"/Launch"):
        assert name not in data
    names = {str(key) for item in _pdf_objects(pdf) for key in item} | \
            {str(value) for item in _pdf_objects(pdf) for value in item.values() if isinstance(value, NameObject)}
    assert names.isdisjoint({"/JS", "/JavaScript", "/Launch", "/AA", "/OpenAction", "/SubmitForm"})


def test_handbook_html_has_only_its_own_stylesheet_and_no_active_content(built: Path) -> None:
    document = (built / "handbook.html").read_text(encoding="utf-8")
    head, body = document.split("<body", 1)
    head_markup = parse_html(head)
    # The template's one <style> is the head's only active element: the title's "</style>" did not end it early.
    assert [tag for tag in forbidden_elements(head_markup) if tag != "meta"] == ["style"]
    assert all("http-equiv" not in meta.attrs for meta in head_markup.find_all("meta"))
    assert handlers(head_markup) == [] and dangerous_urls(head_markup) == []
    assert problems(parse_html("<body" + body)) == []
    stylesheet = document[document.index("<style>"):document.index("</style>")]
    assert "evil.example" not in stylesheet and "onload" not in stylesheet


# --- Anki ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedDeck:
    fields: dict[str, dict[str, str]]  # record id → field name → field HTML
    deck_descriptions: list[str]
    media: list[str]
    av_tags: int  # sounds and videos Anki would play across every card's question and answer


@pytest.fixture(scope="module")
def deck(built: Path, tmp_path_factory: pytest.TempPathFactory) -> ImportedDeck:
    folder = tmp_path_factory.mktemp("anki")
    package = folder / "deck.apkg"
    shutil.copyfile(built / "deck.apkg", package)
    col = Collection(str(folder / "collection.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package),
                                                         options=ImportAnkiPackageOptions()))
        notes = [col.get_note(note_id) for note_id in col.find_notes("")]
        cards = [col.get_card(card_id) for card_id in col.find_cards("")]
        return ImportedDeck(
            fields={note["RecordId"]: dict(note.items()) for note in notes},
            deck_descriptions=[col.decks.get(entry.id)["desc"] for entry in col.decks.all_names_and_ids()],
            media=sorted(os.listdir(col.media.dir())),
            av_tags=sum(len(card.question_av_tags()) + len(card.answer_av_tags()) for card in cards),
        )
    finally:
        col.close()


def test_anki_deck_has_every_record(deck: ImportedDeck) -> None:
    assert set(deck.fields) == set(VECTORS)


@pytest.mark.parametrize("record_id", list(VECTORS))
def test_anki_fields_are_inert(deck: ImportedDeck, record_id: str) -> None:
    for name in FIELDS:
        value = deck.fields[record_id][name]
        assert problems(parse_html(value)) == [], (name, value)
        assert "[sound:" not in value, (name, value)


@pytest.mark.parametrize("record_id", list(VECTORS))
def test_anki_fields_show_vector_as_text(deck: ImportedDeck, record_id: str) -> None:
    fields = deck.fields[record_id]
    # Questions are inline Markdown now: an image in one is shown like an image in a section.
    assert visible(parse_html(fields["Question"])) == f"Is {SHOWN_AS_LINK.get(record_id, VECTORS[record_id])} shown literally?"
    for name in ("Short", "DeepDive", "Example", "Mistakes", "InProduction"):
        assert expected_text(record_id) in visible(parse_html(fields[name])), name


def test_anki_deck_descriptions_are_inert(deck: ImportedDeck) -> None:
    assert len(deck.deck_descriptions) > 1
    for description in deck.deck_descriptions:
        assert problems(parse_html(description)) == [], description


def test_anki_plays_nothing_and_stores_no_media(deck: ImportedDeck) -> None:
    assert deck.av_tags == 0
    assert deck.media == []


def test_anki_evaluates_no_template_syntax_from_content(deck: ImportedDeck) -> None:
    shown = " ".join(visible(parse_html(value)) for fields in deck.fields.values() for value in fields.values())
    assert "{{c1::cloze}}" in shown and "{{ 7*7 }}" in shown and "{% raw %}" in shown
    assert "49" not in shown


# --- cheat-sheet --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=sorted(GFM_EXTENSIONS))
def cheatsheet(built: Path, request: pytest.FixtureRequest) -> Element:
    markdown = (built / "cheatsheet.md").read_text(encoding="utf-8")
    return parse_html(cmarkgfm.markdown_to_html_with_extensions(
        markdown, options=Options.CMARK_OPT_UNSAFE, extensions=GFM_EXTENSIONS[request.param]))


def test_cheatsheet_has_no_element_or_handler_from_content(cheatsheet: Element) -> None:
    assert forbidden_elements(cheatsheet) == []
    assert handlers(cheatsheet) == []


def test_cheatsheet_has_no_dangerous_url(cheatsheet: Element) -> None:
    assert any(url.startswith("https://evil.example/") for url in urls(cheatsheet)), "the web links are missing"
    assert dangerous_urls(cheatsheet) == []


@pytest.mark.parametrize("record_id", list(VECTORS))
def test_cheatsheet_shows_vector_as_text(cheatsheet: Element, record_id: str) -> None:
    shown = visible(cheatsheet)
    # Questions are inline Markdown now: an image in one is shown like an image in a section.
    assert f"Is {SHOWN_AS_LINK.get(record_id, VECTORS[record_id])} shown literally?" in shown
    # The short answer and the common mistakes are on the sheet.
    assert shown.count(expected_text(record_id)) == 2


def test_cheatsheet_shows_book_fields_literally(cheatsheet: Element) -> None:
    book = yaml.safe_load((HOSTILE / "book.yaml").read_text(encoding="utf-8"))
    shown = visible(cheatsheet)
    assert book["title"] in shown and book["subtitle"] in shown
    assert "Edition {{ 7*7 }}" in shown
    assert "49" not in shown


# --- the fetcher itself -------------------------------------------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A templates folder with one font, next to a secret file and a sibling folder sharing its name's prefix."""
    templates = tmp_path / "templates"
    (templates / "fonts").mkdir(parents=True)
    (templates / "fonts" / "body.ttf").write_bytes(b"font bytes")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (tmp_path / "templates-evil").mkdir()
    (tmp_path / "templates-evil" / "x.css").write_text("body {}", encoding="utf-8")
    return templates


@pytest.mark.weasyprint
def test_fetcher_serves_a_file_inside_the_root(root: Path, project_fetcher: type[ProjectFetcher]) -> None:
    fetcher = project_fetcher([root])
    url = (root / "fonts" / "body.ttf").as_uri()
    response = fetcher.fetch(url)
    assert response.read() == b"font bytes"


def _refused_urls(root: Path) -> dict[str, str]:
    return {
        "absolute file URL": "file:///etc/passwd",
        "dot-dot path": f"{root.as_uri()}/../../../../../../etc/passwd",
        "dot-dot to a neighbour": f"{root.as_uri()}/../secret.txt",
        "percent-encoded dot-dot": f"{root.as_uri()}/%2e%2e/secret.txt",
        "sibling with the root's name as prefix": f"{root.as_uri()}-evil/x.css",
        "file URL on another host": "file://evil.example/etc/passwd",
        "http": "http://evil.example/x.css",
        "https": "https://evil.example/x.png",
        "data": "data:text/css;base64,Ym9keXt9",
        "missing file inside the root": f"{root.as_uri()}/nothing-here.css",
    }


@pytest.mark.weasyprint
@pytest.mark.parametrize("kind", list(_refused_urls(Path("/r"))))
def test_fetcher_refuses_and_warns_naming_the_url(root: Path, kind: str, caplog: pytest.LogCaptureFixture,
                                                  project_fetcher: type[ProjectFetcher]) -> None:
    url = _refused_urls(root)[kind]
    fetcher = project_fetcher([root])
    with caplog.at_level(logging.WARNING, logger="prepbook"), pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url)
    assert [(entry.name, entry.levelno) for entry in caplog.records] == [("prepbook", logging.WARNING)]
    assert url in caplog.records[0].getMessage()


@pytest.mark.weasyprint
@pytest.mark.parametrize("target", ["file", "folder"])
def test_fetcher_refuses_a_symlink_inside_the_root_pointing_outside(root: Path, target: str,
                                                                    caplog: pytest.LogCaptureFixture,
                                                                    project_fetcher: type[ProjectFetcher]) -> None:
    secret = root.parent / "secret.txt"
    if target == "file":
        (root / "fonts" / "linked.ttf").symlink_to(secret)
        url = (root / "fonts" / "linked.ttf").as_uri()
    else:
        (root / "linked").symlink_to(root.parent, target_is_directory=True)
        url = (root / "linked" / "secret.txt").as_uri()
    fetcher = project_fetcher([root])
    with caplog.at_level(logging.WARNING, logger="prepbook"), pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url)
    assert url in caplog.text


# --- a hostile stylesheet in a --templates copy -------------------------------------------------------------------


@pytest.mark.weasyprint
def test_hostile_stylesheet_builds_and_reads_nothing_outside_the_copy(write_bank: BankWriter, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      project_fetcher: type[ProjectFetcher]) -> None:
    copy = tmp_path / "my-templates"
    shutil.copytree(TEMPLATES, copy)
    (tmp_path / "hostname").write_text("outside", encoding="utf-8")
    (copy / "fonts" / "escape.ttf").symlink_to(tmp_path / "hostname")
    with (copy / "handbook.css").open("a", encoding="utf-8") as css:
        css.write('\n@import url("file:///etc/passwd");\n'
                  'body { background: url("https://evil.example/x.png") }\n'
                  '.x { background: url("../../../../etc/hostname") }\n'
                  # The same, where WeasyPrint does load them: an element that exists, a font face.
                  'html { background: url("../hostname") }\n'
                  'h1 { background-image: url("file:///etc/group") }\n'
                  '@font-face { font-family: "Escape"; src: url("fonts/escape.ttf"); }\n')
    # An @import counts only at the very start of a stylesheet, and handbook.css is included after the page size.
    template = copy / "handbook.html.j2"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "<style>\n", '<style>\n@import url("file:///etc/passwd");\n', 1), encoding="utf-8")

    requested: list[str] = []
    served: list[str] = []
    fetch = project_fetcher.fetch

    def recording_fetch(self: ProjectFetcher, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        requested.append(url)
        response = fetch(self, url, headers)
        served.append(url)
        return response

    monkeypatch.setattr(project_fetcher, "fetch", recording_fetch)
    content = write_bank({"topic": [record("only-one")]})
    result = CliRunner().invoke(main, ["build", "pdf", "--jobs", "1", "--content", str(content),
                                       "--templates", str(copy), "--out", str(tmp_path / "build")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "build" / "handbook.pdf").read_bytes().startswith(b"%PDF-")
    refused = [url for url in requested if url not in served]
    assert "file:///etc/passwd" in refused and "file:///etc/group" in refused
    assert "https://evil.example/x.png" in refused
    assert (tmp_path / "hostname").as_uri() in refused
    assert (copy / "fonts" / "escape.ttf").as_uri() in refused
    assert served, "the copy's own fonts were not served"
    for url in served:
        assert Path(unquote(urlsplit(url).path)).resolve().is_relative_to(copy.resolve()), url


# --- what the freshness check reads -------------------------------------------------------------------------------

_BUILD_WITH_LITTLE_MEMORY = """
import resource, sys
from prepbook.cli import main
limit = 600 * 1024 * 1024  # far more than building a small sheet needs, far less than the file linked below
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.argv = ["prepbook", *sys.argv[1:]]
main()
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="address-space limits are POSIX")
@pytest.mark.parametrize("where", ["content/notes.bin", "content/topic/notes.yaml", "content/topic/img/big.png"])
def test_a_link_to_a_huge_file_in_content_is_never_read(write_bank: BankWriter, tmp_path: Path, where: str) -> None:
    content = write_bank({"topic": [record("only-one")]})
    huge = tmp_path / "outside" / "huge.bin"
    huge.parent.mkdir()
    with huge.open("wb") as stream:  # sparse: 1.5 GB to read, nothing on disk
        stream.truncate(1536 * 1024 * 1024)
    link = tmp_path / where
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(huge)
    out = tmp_path / "build"
    result = subprocess.run([sys.executable, "-c", _BUILD_WITH_LITTLE_MEMORY, "build", "md", "--content",
                             str(content), "--templates", str(TEMPLATES), "--out", str(out)],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False)
    assert "MemoryError" not in result.stderr
    if where == "content/notes.bin":  # not a bank file at all: the build goes on
        assert result.returncode == 0, result.stderr
        assert (out / "cheatsheet.md").is_file()
    else:  # the loader names it (or its folder) and builds nothing
        assert result.returncode == 1, result.stderr
        assert str(link.relative_to(tmp_path).parent if "img" in where else link.relative_to(tmp_path)) in result.stderr
