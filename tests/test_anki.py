"""The Anki deck, checked with the real Anki library: import, review, edit, rebuild, re-import."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import genanki
import pytest
import yaml
from anki import import_export_pb2 as pb
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from click.testing import CliRunner

from prepbook.bank import Bank
from prepbook.build import source_date
from prepbook.cli import main
from prepbook.decknames import deck_name, same_deck_key
from prepbook.errors import BuildError
from prepbook.load import load_bank
from prepbook.render import NoOptions, Settings
from prepbook.render.anki import FIELDS, RENDERER, stable_id
from tests.conftest import FIXED_DATE, TEMPLATES, BankWriter, record
from tests.htmltree import Element, parse_html

ImportLog = Any  # anki's protobuf ImportResponse.Log: lists new, updated, duplicate, conflicting


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[Collection]:
    """A fresh, empty Anki collection, as a learner has before the first import."""
    col = Collection(str(tmp_path / "collection.anki2"))
    yield col
    col.close()


def render(content: Path, date: int, fixed: bool = True, templates: Path = TEMPLATES) -> bytes:
    return RENDERER.render(load_bank(content), Settings(templates_dir=templates, source_date=date,
                                                        source_date_fixed=fixed), NoOptions())[RENDERER.filename]


def import_deck(col: Collection, deck: bytes, tmp_path: Path) -> ImportLog:
    """Import the way Anki does by default: notes and note types updated only when newer."""
    path = tmp_path / f"deck-{len(list(tmp_path.glob('deck-*.apkg')))}.apkg"
    path.write_bytes(deck)
    log = col.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(path),
        options=ImportAnkiPackageOptions(
            merge_notetypes=False,
            update_notes=pb.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
            update_notetypes=pb.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
            with_scheduling=False, with_deck_configs=False))).log
    col.models._clear_cache()  # backend imports do not refresh the Python-side note-type cache
    return log


INERT_OPEN, INERT_CLOSE = '<span class="mathjax_ignore">', "</span>"


def inert(field: str) -> str:
    """A field made from content as the deck stores it: inside markup Anki's MathJax does not scan."""
    return INERT_OPEN + field + INERT_CLOSE


def note_for(col: Collection, record_id: str) -> Any:
    (note_id,) = col.find_notes(f"RecordId:{record_id}")
    return col.get_note(note_id)


def record_ids(log_notes: Any) -> list[str]:
    """The RecordId field of each note in an import log list."""
    return sorted(note.fields[FIELDS.index("RecordId")] for note in log_notes)


def package_notes(deck: bytes) -> dict[str, tuple[str, int]]:
    """record id → (GUID, modification time), read straight from the .apkg without Anki."""
    with zipfile.ZipFile(io.BytesIO(deck)) as archive:
        data = archive.read("collection.anki2")
    with closing(sqlite3.connect(":memory:")) as database:
        database.deserialize(data)
        rows = database.execute("SELECT guid, mod, flds FROM notes").fetchall()
    return {fields.split("\x1f")[FIELDS.index("RecordId")]: (guid, mod) for guid, mod, fields in rows}


def set_times(content: Path, when: int) -> None:
    """Give every content file and folder the same modification time, so tests control which is newer."""
    for path in [content, *content.rglob("*")]:
        os.utime(path, (when, when))


# --- The real bank ------------------------------------------------------------------------------------------


def test_real_bank_imports_with_one_card_per_question(bank: Bank, settings: Settings, collection: Collection,
                                                      tmp_path: Path) -> None:
    log = import_deck(collection, RENDERER.render(bank, settings, NoOptions())[RENDERER.filename], tmp_path)

    assert len(log.new) == len(bank.entries) == collection.note_count()
    assert collection.card_count() == len(bank.entries)
    title = bank.book.title
    names = {deck.name for deck in collection.decks.all_names_and_ids()} - {"Default"}
    assert names == {title, *(f"{title}::{chapter.info.title}" for chapter in bank.chapters)}
    for chapter in bank.chapters:
        deck_id = collection.decks.id_for_name(f"{title}::{chapter.info.title}")
        assert len(collection.find_cards(f"did:{deck_id}")) == len(chapter.entries)

    drift = bank.by_id["model-drift"]
    note = note_for(collection, "model-drift")
    assert note.guid == genanki.guid_for("model-drift")
    assert note["Question"] == inert("What is model drift, and how do you detect and handle it?")
    assert note["Short"].startswith(INERT_OPEN + "<p>Model drift is the degradation of model performance")
    assert note["Mistakes"].startswith(INERT_OPEN + "<ul>\n<li>Not monitoring model performance")
    assert note["Topic"] == inert("Machine Learning in Production")
    assert note["Difficulty"] == "medium"
    assert note["HandbookRef"] == f"Handbook {drift.number}"
    assert sorted(note.tags) == ["difficulty::medium", "mlops", "monitoring", "topic::ml-production"]
    assert note.mod == settings.source_date


def test_card_front_shows_the_question_and_back_the_answer_in_order(bank: Bank, settings: Settings,
                                                                    collection: Collection, tmp_path: Path) -> None:
    import_deck(collection, RENDERER.render(bank, settings, NoOptions())[RENDERER.filename], tmp_path)
    card = note_for(collection, "model-drift").cards()[0]

    front, back = card.question(), card.answer()
    assert "What is model drift" in front and "Machine Learning in Production" in front
    assert "difficulty-medium" in front
    assert "Model drift is the degradation" not in front
    assert '<hr id="answer">' in back
    labels = ["Short answer", "Deep dive", "Real-world example", "Common mistakes", "In production"]
    positions = [back.index(label) for label in labels]
    assert positions == sorted(positions)
    assert back.index("Model drift is the degradation") < back.index("Deep dive")


def test_css_is_self_contained_and_has_a_night_mode() -> None:
    css = (TEMPLATES / "card.css").read_text(encoding="utf-8")
    for remote in ("url(", "@import", "@font-face", "http:", "https:", "//"):
        assert remote not in css
    assert ".card.nightMode" in css
    assert "max-width: 40em" in css


# --- Re-importing a rebuilt deck ------------------------------------------------------------------------------


def test_edited_record_updates_in_place_and_keeps_review_history(write_bank: BankWriter, collection: Collection,
                                                                 tmp_path: Path) -> None:
    content = write_bank({"networking": [record("tcp-handshake"), record("dns-lookup")]})
    import_deck(collection, render(content, FIXED_DATE), tmp_path)

    # Make the learner's history: every card a review card, then one real review of the edited one.
    collection.sched.set_due_date(list(collection.find_cards("")), "0")
    collection.decks.select(collection.decks.id_for_name("Test Handbook"))
    reviewed = collection.sched.getCard()
    assert reviewed is not None
    collection.sched.answerCard(reviewed, 3)
    reviewed.load()
    edited_id = reviewed.note()["RecordId"]
    history = collection.db.all("SELECT id, type, ivl FROM revlog WHERE cid = ?", reviewed.id)
    assert reviewed.type == 2 and reviewed.ivl > 0 and len(history) == 2  # set due date, then the review
    notes_before = collection.note_count()

    path = next(content.rglob(f"*{edited_id}.yaml"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["answer"]["short"] = "A **rewritten** short answer."
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    log = import_deck(collection, render(content, FIXED_DATE + 3600), tmp_path)

    assert edited_id in record_ids(log.updated)
    assert not log.new and not log.conflicting
    assert collection.note_count() == notes_before
    note = note_for(collection, edited_id)
    assert note["Short"] == inert("<p>A <strong>rewritten</strong> short answer.</p>\n")
    card = note.cards()[0]
    assert card.id == reviewed.id
    assert (card.type, card.ivl, card.due, card.reps) == (reviewed.type, reviewed.ivl, reviewed.due, reviewed.reps)
    assert collection.db.all("SELECT id, type, ivl FROM revlog WHERE cid = ?", card.id) == history


def test_rebuild_with_the_same_timestamp_does_not_update(write_bank: BankWriter, collection: Collection,
                                                         tmp_path: Path) -> None:
    """Anki's importer ignores a note whose time is not newer: this is why note times must grow with edits."""
    content = write_bank({"networking": [record("tcp-handshake")]})
    import_deck(collection, render(content, FIXED_DATE), tmp_path)

    edited = record("tcp-handshake", answer={"short": "Changed."})
    (content / "networking" / "000-tcp-handshake.yaml").write_text(yaml.safe_dump(edited), encoding="utf-8")
    log = import_deck(collection, render(content, FIXED_DATE), tmp_path)

    assert not log.updated and record_ids(log.duplicate) == ["tcp-handshake"]
    assert note_for(collection, "tcp-handshake")["Short"] == inert("<p>Short answer of tcp-handshake.</p>\n")


def test_without_source_date_epoch_only_edited_records_update(write_bank: BankWriter, collection: Collection,
                                                              tmp_path: Path) -> None:
    content = write_bank({"networking": [record("tcp-handshake"), record("dns-lookup")]})
    set_times(content, FIXED_DATE)
    date, fixed = source_date(content)
    import_deck(collection, render(content, date, fixed), tmp_path)
    assert note_for(collection, "dns-lookup").mod == FIXED_DATE

    path = content / "networking" / "001-dns-lookup.yaml"
    path.write_text(yaml.safe_dump(record("dns-lookup", answer={"short": "Edited."})), encoding="utf-8")
    os.utime(path, (FIXED_DATE + 60, FIXED_DATE + 60))
    date, fixed = source_date(content)
    log = import_deck(collection, render(content, date, fixed), tmp_path)

    assert record_ids(log.updated) == ["dns-lookup"]
    assert record_ids(log.duplicate) == ["tcp-handshake"]
    assert note_for(collection, "dns-lookup").mod == FIXED_DATE + 60
    assert note_for(collection, "dns-lookup")["Short"] == inert("<p>Edited.</p>\n")


def test_a_file_dated_in_the_future_cannot_freeze_the_learners_notes(write_bank: BankWriter, collection: Collection,
                                                                     tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    content = write_bank({"networking": [record("tcp-handshake"), record("dns-lookup")]})
    set_times(content, FIXED_DATE)
    path = content / "networking" / "001-dns-lookup.yaml"
    year_2099 = 4_084_000_000
    os.utime(path, (year_2099, year_2099))  # a checkout from a machine whose clock ran ahead
    first_build = FIXED_DATE + 1_000
    monkeypatch.setattr("prepbook.sources.time.time", lambda: first_build)
    date, fixed = source_date(content)
    deck = render(content, date, fixed)
    assert date == first_build
    assert max(mod for _, mod in package_notes(deck).values()) == first_build
    import_deck(collection, deck, tmp_path)

    # Edited later, on a machine with a right clock: Anki must take the edit.
    path.write_text(yaml.safe_dump(record("dns-lookup", answer={"short": "Edited."})), encoding="utf-8")
    os.utime(path, (FIXED_DATE + 2_000, FIXED_DATE + 2_000))
    monkeypatch.setattr("prepbook.sources.time.time", lambda: FIXED_DATE + 3_000)
    date, fixed = source_date(content)
    log = import_deck(collection, render(content, date, fixed), tmp_path)

    assert record_ids(log.updated) == ["dns-lookup"]
    assert "<p>Edited.</p>" in note_for(collection, "dns-lookup")["Short"]


def test_renamed_record_file_keeps_its_note_and_gets_its_new_number(write_bank: BankWriter, collection: Collection,
                                                                    tmp_path: Path) -> None:
    content = write_bank({"networking": [record("tcp-handshake"), record("dns-lookup")]})
    set_times(content, FIXED_DATE)
    first = render(content, FIXED_DATE, fixed=False)
    import_deck(collection, first, tmp_path)
    assert note_for(collection, "tcp-handshake")["HandbookRef"] == "Handbook 1.1"

    # Renaming moves tcp-handshake after dns-lookup: same identity, new number; the folder's time records it.
    folder = content / "networking"
    (folder / "000-tcp-handshake.yaml").rename(folder / "002-tcp-handshake.yaml")
    os.utime(folder, (FIXED_DATE + 60, FIXED_DATE + 60))
    second = render(content, FIXED_DATE, fixed=False)
    log = import_deck(collection, second, tmp_path)

    assert package_notes(second)["tcp-handshake"][0] == package_notes(first)["tcp-handshake"][0]
    assert not log.new and collection.note_count() == 2
    assert record_ids(log.updated) == ["dns-lookup", "tcp-handshake"]
    assert note_for(collection, "tcp-handshake")["HandbookRef"] == "Handbook 1.2"


def test_identity_does_not_depend_on_file_name_topic_or_content(write_bank: BankWriter) -> None:
    before = write_bank({"networking": [record("tcp-handshake")], "storage": []}, folder="before")
    after = write_bank({"networking": [], "storage": [record("tcp-handshake", question="Renamed question?",
                                                             difficulty="hard")]}, folder="after")
    assert package_notes(render(before, FIXED_DATE))["tcp-handshake"][0] == genanki.guid_for("tcp-handshake")
    assert package_notes(render(after, FIXED_DATE))["tcp-handshake"][0] == genanki.guid_for("tcp-handshake")


# --- Deck names ---------------------------------------------------------------------------------------------


def deck_of(col: Collection, record_id: str) -> str:
    return col.decks.name(note_for(col, record_id).cards()[0].did)


def test_titles_holding_anki_deck_separators_make_no_nested_decks(write_bank: BankWriter, collection: Collection,
                                                                   tmp_path: Path) -> None:
    content = write_bank({"networking": [record("tcp-handshake")], "storage": [record("disk-io")]},
                         title="Notes::2026")
    book_yaml = content / "book.yaml"
    book_yaml.write_text(book_yaml.read_text(encoding="utf-8").replace("title: Networking", "title: Layers::TCP:::IP"),
                         encoding="utf-8")
    import_deck(collection, render(content, FIXED_DATE), tmp_path)

    book = "Notes\u2236\u22362026"
    names = {deck.name for deck in collection.decks.all_names_and_ids()} - {"Default"}
    assert names == {book, f"{book}::Layers\u2236\u2236TCP\u2236\u2236:IP", f"{book}::Storage"}
    assert deck_of(collection, "tcp-handshake") == f"{book}::Layers\u2236\u2236TCP\u2236\u2236:IP"
    assert deck_of(collection, "disk-io") == f"{book}::Storage"


# Two titles each: the loader refuses a pair when same_deck_key says Anki takes both for one deck.
TITLE_PAIRS = [
    ("Basics", "BASICS"), ("Straße", "STRASSE"), ("Caf\u00e9", "Cafe\u0301"), ("Notes:", "Notes"),
    ("Tab\tStop", "TabStop"), ("A::B", "A\u2236\u2236B"), (":", "Blank"), ("\u0130stanbul", "i\u0307stanbul"),
    ("Basics", "Basic"), ("Caf\u00e9", "Cafe"), ("A::B", "A:B"), ("A B", "AB"), ("Notes:", "Notes."), ("::", "blank"),
]


def renamed_apart(first: str, second: str) -> bool:
    """Whether the importer took two deck names for one deck: it keeps one and adds "_" to the other (no title in
    TITLE_PAIRS ends with "_")."""
    return first.endswith("_") or second.endswith("_")


def test_loader_and_anki_agree_on_which_titles_name_one_deck(collection: Collection, tmp_path: Path) -> None:
    decks = []
    for number, pair in enumerate(TITLE_PAIRS):
        for side, title in enumerate(pair):
            deck = genanki.Deck(stable_id(f"pair {number} {side}"), deck_name(f"Pair {number}", title))
            deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=[f"{number} {side}", ""],
                                       guid=f"{number} {side}"))
            decks.append(deck)
    package = tmp_path / "pairs.apkg"
    genanki.Package(decks).write_to_file(package)
    import_deck(collection, package.read_bytes(), tmp_path)

    deck_by_note = {collection.get_note(note_id)["Front"]: collection.decks.name(card.did)
                    for note_id in collection.find_notes("") for card in collection.get_note(note_id).cards()}
    anki_says = [renamed_apart(deck_by_note[f"{number} 0"], deck_by_note[f"{number} 1"])
                 for number in range(len(TITLE_PAIRS))]
    assert [same_deck_key(first) == same_deck_key(second) for first, second in TITLE_PAIRS] == anki_says
    assert anki_says == [True] * 8 + [False] * 6


# --- Safety ---------------------------------------------------------------------------------------------------

HOSTILE = {
    "question": "<script>alert(1)</script> <img src=x onerror=alert(1)> <iframe src=//evil></iframe>?",
    "answer": {
        "short": "<script>alert(1)</script> and <img src=x onerror=alert(1)>",
        "deep_dive": ("<iframe src=//evil></iframe>\n\n[x](javascript:alert(1)) [y](data:text/html,<b>hi</b>) "
                      "[z](data:image/png;base64,AAAA) [safe](https://example.com/page)"),
        "example": "<style>body{background:url(http://evil/x.png)}</style>\n\n<form action=//evil><input></form>",
        "mistakes": "- [sound:http://evil/x.mp3]\n- [latex]\\immediate\\write18{touch /tmp/pwned}[/latex]",
        "in_production": '<a href="javascript:alert(1)" onclick="alert(1)">click</a> <svg onload=alert(1)>',
    },
}


def test_hostile_content_reaches_cards_as_inert_text(write_bank: BankWriter, collection: Collection,
                                                     tmp_path: Path) -> None:
    content = write_bank({"evil": [record("hostile", **HOSTILE)]})
    book = content / "book.yaml"
    book.write_text(book.read_text(encoding="utf-8").replace("title: Evil", "title: <script>alert('topic')</script>"),
                    encoding="utf-8")
    import_deck(collection, render(content, FIXED_DATE), tmp_path)
    note = note_for(collection, "hostile")

    for name, value in note.items():
        for element in ("<script", "<iframe", "<style", "<form", "<input", "<img", "<svg"):
            assert element not in value.lower(), (name, value)
        for element in parse_html(value).elements():
            if (element.tag, element.attributes) == ("span", [("class", "mathjax_ignore")]):
                continue
            assert element.tag in {"p", "ul", "li", "a", "strong", "em", "b", "i", "code", "wbr"}, (name, element.tag)
            for attribute, target in element.attributes:
                assert attribute in {"href", "rel"}, (name, attribute)
                if attribute == "href":
                    assert target.startswith("https://"), (name, target)

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in note["Question"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in note["Short"]
    assert "&lt;style&gt;" in note["Example"]
    assert note["Topic"] == inert("&lt;script&gt;alert(&#x27;topic&#x27;)&lt;/script&gt;")
    assert '<a href="https://example.com/page"' in note["DeepDive"]  # links to web pages stay

    # Anki's own bracket syntax would fetch a sound or run LaTeX; it must stay text.
    card = note.cards()[0]
    assert not card.question_av_tags() and not card.answer_av_tags()
    # (a long word carries <wbr> break points, which are no text)
    assert "&#91;sound:http://evil/x.mp3]" in note["Mistakes"].replace("<wbr>", "")
    assert "<img" not in card.answer()


# Anki's MathJax reads this as a formula whose link runs a script; each entry brings it into a field another way.
FORMULA = r"\(\href{javascript:alert(1)}{x}\)"
DISPLAY = r"\[\href{javascript:alert(1)}{x}\]"
MATH_ATTACKS: dict[str, Any] = {
    "question": r"Is \\(\href{javascript:alert(1)}{x}\\) typeset?",  # Markdown, as sections are
    "answer": {
        "short": r"\\(\href{javascript:alert(1)}{x}\\)",  # Markdown prints "\(" for "\\("
        "deep_dive": r"\\[\href{javascript:alert(1)}{x}\\]",
        "example": r"&#92;(\href{javascript:alert(1)}{x}&#92;)",  # an entity, decoded before MathJax reads the text
        "mistakes": f"```mathjax_process\n{FORMULA}\n```",  # a class of its own, if content could name one
        "in_production": f"`{FORMULA}`",
    },
}


def mathjax_scanned(fragment: str) -> str:
    """The part of a field's text MathJax 3 scans with Anki's configuration (MathJax's default classes): all but
    what is inside an element of class mathjax_ignore, unless also inside one of class mathjax_process. Stricter
    than MathJax, which also skips code and pre, and never matches a delimiter across elements."""

    def scanned(element: Element, ignoring: bool) -> str:
        classes = element.attrs.get("class", "").split(" ")
        ignoring = (ignoring or "mathjax_ignore" in classes) and "mathjax_process" not in classes
        return "".join(("" if ignoring else child) if isinstance(child, str) else scanned(child, ignoring)
                       for child in element.children)

    return scanned(parse_html(fragment), False)


def math_fields(write_bank: BankWriter, collection: Collection, tmp_path: Path) -> dict[str, str]:
    """The fields of a note built from MATH_ATTACKS, as a collection stores them after a real import."""
    content = write_bank({"evil": [record("formula", **MATH_ATTACKS)]})
    book = content / "book.yaml"
    book.write_text(book.read_text(encoding="utf-8").replace("title: Evil", f"title: '{FORMULA}'"), encoding="utf-8")
    import_deck(collection, render(content, FIXED_DATE), tmp_path)
    return dict(note_for(collection, "formula").items())


def test_no_formula_from_content_is_where_mathjax_looks(write_bank: BankWriter, collection: Collection,
                                                        tmp_path: Path) -> None:
    fields = math_fields(write_bank, collection, tmp_path)
    for name, value in fields.items():
        scanned = mathjax_scanned(value)
        assert "\\(" not in scanned and "\\[" not in scanned, (name, value)
    # Every attack reached its field, as text.
    for name in ("Question", "Short", "Example", "Mistakes", "InProduction", "Topic"):
        assert FORMULA in parse_html(fields[name]).text, name
    assert DISPLAY in parse_html(fields["DeepDive"]).text


# MathJax as Anki bundles it: ankitects/anki's yarn.lock resolves its "mathjax": "^3.1.2" to 3.2.2.
MATHJAX_PACKAGE = "mathjax-full@3.2.2"
Typeset = Callable[[list[str]], list[dict[str, Any]]]


@pytest.fixture(scope="module")
def mathjax(tmp_path_factory: pytest.TempPathFactory) -> Typeset:
    """Real MathJax 3 under Node (tests/anki_mathjax.js), installed from npm once per run; skipped without them."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("needs node and npm")
    folder = tmp_path_factory.mktemp("mathjax")
    try:
        subprocess.run([npm, "install", "--prefer-offline", "--no-audit", "--no-fund", "--silent",
                        "--prefix", str(folder), MATHJAX_PACKAGE], check=True, capture_output=True, timeout=300)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"cannot install {MATHJAX_PACKAGE} from npm (offline?): {error}")

    def typeset(fragments: list[str]) -> list[dict[str, Any]]:
        done = subprocess.run([node, str(Path(__file__).parent / "anki_mathjax.js")], input=json.dumps(fragments),
                              capture_output=True, text=True, check=True, timeout=120,
                              env={**os.environ, "NODE_PATH": str(folder / "node_modules")})
        results: list[dict[str, Any]] = json.loads(done.stdout)
        return results

    return typeset


def test_real_mathjax_typesets_nothing_from_content(write_bank: BankWriter, collection: Collection, tmp_path: Path,
                                                    mathjax: Typeset) -> None:
    fields = math_fields(write_bank, collection, tmp_path)
    for name, result in zip(fields, mathjax(list(fields.values())), strict=True):
        assert result["formulas"] == 0, (name, result["html"])
        assert 'href="javascript:' not in result["html"], name

    # The attack is real: without the wrapper MathJax makes the link (code it skips on its own)...
    exposed = ("Question", "Short", "DeepDive", "Example", "Topic")
    bare = [fields[name].removeprefix(INERT_OPEN).removesuffix(INERT_CLOSE) for name in exposed]
    for name, result in zip(exposed, mathjax(bare), strict=True):
        assert result["formulas"] == 1 and 'href="javascript:alert(1)"' in result["html"], name
    # ...and a formula prepbook writes itself, marked mathjax_process, is still typeset inside it.
    [own] = mathjax([inert(r'<p>Area <span class="mathjax_process">\(\pi r^2\)</span></p>')])
    assert own["formulas"] == 1


# --- Determinism and templates --------------------------------------------------------------------------------


def test_same_content_and_date_give_identical_bytes(bank: Bank, settings: Settings) -> None:
    first, second = (RENDERER.render(bank, settings, NoOptions())[RENDERER.filename] for _ in range(2))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        members = archive.infolist()
    assert [member.filename for member in members] == ["collection.anki2", "media"]
    assert all(member.date_time == (1980, 1, 1, 0, 0, 0) for member in members)
    assert all(member.compress_type == zipfile.ZIP_DEFLATED for member in members)


def test_cli_build_writes_the_same_deck(write_bank: BankWriter, tmp_path: Path) -> None:
    content = write_bank({"networking": [record("tcp-handshake")]})
    out = tmp_path / "build"
    result = CliRunner().invoke(main, ["build", "anki", "--content", str(content), "--out", str(out),
                                       "--templates", str(TEMPLATES)], env={"SOURCE_DATE_EPOCH": str(FIXED_DATE)})
    assert result.exit_code == 0, result.output
    assert (out / "deck.apkg").read_bytes() == render(content, FIXED_DATE)


def test_template_naming_an_unknown_field_is_a_build_error(write_bank: BankWriter, tmp_path: Path) -> None:
    content = write_bank({"networking": [record("tcp-handshake")]})
    templates = tmp_path / "templates"
    templates.mkdir()
    for name in ("card_front.html", "card_back.html", "card.css"):
        shutil.copy(TEMPLATES / name, templates / name)
    (templates / "card_back.html").write_text("{{FrontSide}} {{text:Shortt}}", encoding="utf-8")

    with pytest.raises(BuildError, match=r"unknown field \{\{text:Shortt\}\}"):
        render(content, FIXED_DATE, templates=templates)
    shutil.copy(TEMPLATES / "card_back.html", templates / "card_back.html")
    (templates / "card.css").unlink()
    with pytest.raises(BuildError, match="template not found"):
        render(content, FIXED_DATE, templates=templates)


def test_restyled_cards_reach_a_collection_that_has_the_deck(write_bank: BankWriter, collection: Collection,
                                                             tmp_path: Path) -> None:
    """Without SOURCE_DATE_EPOCH the note type's time follows the template files, so a new look is imported."""
    content = write_bank({"networking": [record("tcp-handshake")]})
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates, ignore=lambda folder, names: [n for n in names if not n.startswith("card")])
    set_times(content, FIXED_DATE)
    set_times(templates, FIXED_DATE)
    import_deck(collection, render(content, FIXED_DATE, fixed=False, templates=templates), tmp_path)

    css = templates / "card.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.question { letter-spacing: 0.01em; }\n", encoding="utf-8")
    os.utime(css, (FIXED_DATE + 60, FIXED_DATE + 60))
    log = import_deck(collection, render(content, FIXED_DATE, fixed=False, templates=templates), tmp_path)

    assert not log.conflicting and not log.new
    assert "letter-spacing: 0.01em" in note_for(collection, "tcp-handshake").note_type()["css"]
    names = [note_type.name for note_type in collection.models.all_names_and_ids()]
    assert [name for name in names if name.startswith("prepbook")] == ["prepbook question"]
