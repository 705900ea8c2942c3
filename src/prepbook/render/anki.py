"""The Anki deck: one note per question, with identities that survive every rebuild.

What Anki's importer does decides the design (measured with anki 26.9.3):
- notes are matched by GUID, so the GUID is derived from the record id alone (never from its file or fields);
- a matched note is updated only when the package's note modification time is newer than the stored one,
  so every note carries the modification time of the files its fields come from;
- a note type whose field list changed leaves every existing note "conflicting" and frozen, so FIELDS below
  is designed once: only ever append to it;
- Anki sanitises nothing and its reviewer re-runs <script>, so every field is built from escaped text and
  sanitised HTML only; its reviewer also typesets any formula delimiters it finds with MathJax, so content is
  wrapped where MathJax does not look (_NO_MATH).
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import re
import sqlite3
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import genanki

from prepbook.bank import Bank, Entry
from prepbook.decknames import deck_name
from prepbook.errors import BuildError
from prepbook.models import SECTIONS
from prepbook.render import Files, NoOptions, Settings
from prepbook.render.html_writer import inline_markdown_to_html, markdown_to_html
from prepbook.render.templating import render_template
from prepbook.sources import modified

# Append only, never rename, remove or reorder: see the module docstring. Question first: Anki's sort field.
FIELDS: tuple[str, ...] = (
    "Question", *(section.anki_field for section in SECTIONS),
    "Topic", "Difficulty", "RecordId", "HandbookRef",
)
FRONT_TEMPLATE = "card_front.html"
BACK_TEMPLATE = "card_back.html"
CSS_FILE = "card.css"
MODEL_NAME = "prepbook question"

# Fields Anki itself provides to card templates, next to the note type's own.
_SPECIAL_FIELDS = {"FrontSide", "Tags", "Type", "Deck", "Subdeck", "Card", "CardFlag", "CardID"}
_FIELD_REFERENCE = re.compile(r"{{\s*[#^/]?\s*([^}]+?)\s*}}")
# Anki gives bracketed text in fields a meaning: [sound:URL] plays (and fetches) media, [latex] runs the LaTeX
# compiler. Encoding the bracket keeps the text visible and makes it inert.
_ANKI_BRACKET = "&#91;"
# Anki's reviewer typesets every \(…\) and \[…\] on a card with MathJax 3, whose \href makes a link (javascript:
# included), and the browser decodes entities before MathJax reads the text, so no escaping of the delimiters holds.
# Anki's MathJax configuration (ts/mathjax/index.ts; AnkiDroid copies it) keeps MathJax's default classes: no text
# inside an element of class mathjax_ignore is scanned for math, whatever delimiters or environments a client
# enables; text inside a mathjax_process element within it is. So every field made from content is wrapped in the
# first, and formulas prepbook writes itself can be made live with the second; content cannot name a class (the
# sanitiser keeps only code's "language-<word>"). A <span>, because fields sit in inline places too ({{Topic}}).
_NO_MATH = '<span class="mathjax_ignore">{}</span>'
# Fields prepbook makes from a fixed vocabulary (an enum value, a slug, a number): they cannot hold a backslash,
# and stay bare because templates put them in attributes (class="difficulty-{{Difficulty}}") and searches match
# them whole (RecordId:model-drift).
_VOCABULARY_FIELDS = frozenset({"Difficulty", "RecordId", "HandbookRef"})
# A zip member's date is part of its bytes; this is the earliest one the format can store.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def stable_id(name: str) -> int:
    """A fixed id from a stable name, in the range genanki asks for ([2**30, 2**31)), never a random one."""
    digest = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")
    return (1 << 30) + digest % (1 << 30)


MODEL_ID = stable_id("prepbook question note v1")
PARENT_DECK_ID = stable_id("prepbook deck")


def topic_deck_id(topic_id: str) -> int:
    # From the topic id, not its title, so renaming a topic keeps its id. Anki's importer itself matches decks by
    # name and picks its own ids: a renamed topic arrives as a new deck and existing cards stay where they are.
    return stable_id(f"prepbook deck topic {topic_id}")


class _TimedNote(genanki.Note):  # type: ignore[misc]
    """A note with its own modification time.

    genanki gives every note (and card) the package-wide timestamp that write_to_db receives; Anki's importer
    updates a note only when that time is newer than the collection's, so each note passes its own instead.
    """

    def __init__(self, *, mod: int, **note: Any) -> None:
        super().__init__(**note)
        self.mod = mod

    def write_to_db(self, cursor: sqlite3.Cursor, timestamp: float, deck_id: int, id_gen: Any) -> None:
        super().write_to_db(cursor, self.mod, deck_id, id_gen)


class AnkiRenderer:
    filename = "deck.apkg"
    options = NoOptions

    def render(self, bank: Bank, settings: Settings, options: NoOptions) -> Files:
        model = _model(settings.templates_dir)
        parent = genanki.Deck(PARENT_DECK_ID, deck_name(bank.book.title),
                              description=_escaped(bank.book.subtitle or ""))
        decks = [parent]
        for chapter in bank.chapters:
            deck = genanki.Deck(topic_deck_id(chapter.info.id), deck_name(bank.book.title, chapter.info.title),
                                description=_escaped(chapter.info.description or ""))
            for entry in chapter.entries:
                deck.add_note(_note(entry, model, _note_mod(entry, settings)))
            decks.append(deck)
        return {self.filename: _package(genanki.Package(decks), _package_time(decks, settings))}


RENDERER = AnkiRenderer()


def _model(templates_dir: Path) -> genanki.Model:
    front, back = (_card_template(templates_dir, name) for name in (FRONT_TEMPLATE, BACK_TEMPLATE))
    css = _read_css(templates_dir / CSS_FILE)
    return genanki.Model(
        MODEL_ID, MODEL_NAME,
        fields=[{"name": field} for field in FIELDS],
        templates=[{"name": "Question → answer", "qfmt": front, "afmt": back}],
        css=css,
        sort_field_index=0,
    )


def _card_template(templates_dir: Path, name: str) -> str:
    """A card template as Anki receives it: prepbook's placeholders filled in, Anki's checked."""
    text = render_template(templates_dir, name, {"sections": SECTIONS}, anki_card=True)
    # Anki shows an unknown field as an error on every card, only once the deck is imported: fail now.
    for reference in _FIELD_REFERENCE.findall(text):
        field = reference.split(":")[-1].strip()
        if field not in FIELDS and field not in _SPECIAL_FIELDS:
            raise BuildError(f"{templates_dir / name}: unknown field {{{{{reference}}}}}; "
                             f"fields are: {', '.join(FIELDS)}")
    return text


def _read_css(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BuildError(f"template not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BuildError(f"cannot read template {path}: {error}") from error


def _note(entry: Entry, model: genanki.Model, mod: int) -> _TimedNote:
    record = entry.record
    answer = record.answer
    values = {
        # The prompt goes into the question's field: a new field would freeze every learner's notes.
        "Question": inline_markdown_to_html(record.question) + (
            f'\n<div class="prompt">{markdown_to_html(record.prompt)}</div>' if record.prompt else ""),
        **{section.anki_field: markdown_to_html(answer.text(section)) for section in SECTIONS},
        "Topic": _escaped(entry.topic.title),
        "Difficulty": record.difficulty.value,
        "RecordId": record.id,
        "HandbookRef": f"Handbook {entry.number}",
    }
    return _TimedNote(
        model=model,
        fields=[_field(name, values[name]) for name in FIELDS],
        guid=genanki.guid_for(record.id),
        tags=[*record.tags, f"topic::{entry.topic.id}", f"difficulty::{record.difficulty.value}"],
        mod=mod,
    )


def _field(name: str, value: str) -> str:
    """A field's HTML as Anki stores it: Anki's bracket syntax and MathJax delimiters from content inert."""
    inert = value.replace("[", _ANKI_BRACKET)
    return inert if name in _VOCABULARY_FIELDS else _NO_MATH.format(inert)


def _escaped(plain: str) -> str:
    """Plain text as HTML that shows it literally."""
    return html.escape(plain, quote=True)


def _note_mod(entry: Entry, settings: Settings) -> int:
    """The note's modification time: SOURCE_DATE_EPOCH when set, else when what its fields show last changed."""
    if settings.source_date_fixed:
        return settings.source_date
    return entry.modified


def _package_time(decks: list[genanki.Deck], settings: Settings) -> int:
    """The note type's modification time (and the seed of the package's internal ids).

    It must grow when the card templates or CSS change, or the importer keeps the old look.
    """
    if settings.source_date_fixed:
        return settings.source_date
    templates = (settings.templates_dir / name for name in (FRONT_TEMPLATE, BACK_TEMPLATE, CSS_FILE))
    newest: int = max(settings.source_date, *(note.mod for deck in decks for note in deck.notes),
                      *(modified(path) for path in templates))
    return newest


def _package(package: genanki.Package, timestamp: int) -> bytes:
    """The .apkg bytes, identical for identical input.

    genanki's write_to_file stamps zip members with the clock, stores them uncompressed and leaves its
    temporary database behind, so the collection is written here and zipped with fixed dates instead.
    """
    with tempfile.TemporaryDirectory(prefix="prepbook-anki-") as folder:
        database = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(database)
        try:
            # Anki's ids are milliseconds; seeding them from the timestamp is what write_to_file does too.
            package.write_to_db(connection.cursor(), timestamp, itertools.count(timestamp * 1000))
            connection.commit()
        finally:
            connection.close()
        members = {"collection.anki2": database.read_bytes(), "media": b"{}"}

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # the default depends on the building machine's OS
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[name], compresslevel=9)
    return buffer.getvalue()
