"""content/ → Bank: read every file, validate every record, report every problem at once."""

from __future__ import annotations

import datetime
import difflib
import shlex
import typing
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from prepbook.bank import Bank, Source, number
from prepbook.decknames import same_deck_key
from prepbook.errors import ContentError, Problem, Severity, display_path, field_name, printable
from prepbook.markup import parse_inline, plain_text
from prepbook.models import MAX_DISTINCT_TAGS, Book, Question
from prepbook.rules import DUPLICATE_ENTRY, RULES, allow_comments
from prepbook.similar import fold
from prepbook.sources import BOOK_FILE, Unreadable, dated_in_the_future, modified, read_source, scan
from prepbook.stages import Progress, Stage, no_progress
from prepbook.yamlread import Document, Position, YamlProblem, read_yaml

# Lists of a record whose repeated entries mean nothing: each is kept once, so no output prints "1.2, 1.2".
_UNIQUE_LISTS = ("tags", "see_also")

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class _Draft:
    """What the checks across records need of one record file: from the record when it is valid, else from each of
    its fields that is valid on its own, so that one mistake in a record hides none of the others and costs no
    error elsewhere (a see_also naming an invalid record still finds it)."""

    path: Path
    doc: Document
    record: Question | None  # None when the record is invalid
    id: str | None
    question: str | None
    prompt: str | None
    lists: dict[str, list[str]]  # each of _UNIQUE_LISTS as written, repeats included
    allowed: frozenset[str]  # the rules its comments silence


def _field_checker(name: str) -> TypeAdapter[Any]:
    info = Question.model_fields[name]
    return TypeAdapter(Annotated[info.annotation, info],  # type: ignore[arg-type]
                       config=ConfigDict(str_strip_whitespace=True))


_SALVAGED = ("id", "question", "prompt", *_UNIQUE_LISTS)
_FIELD_CHECKERS = {name: _field_checker(name) for name in _SALVAGED}


def _salvage(value: Any, name: str) -> Any:
    """One field of an invalid record, if it is valid on its own (its own error is reported already), else None."""
    info = Question.model_fields[name]
    if not isinstance(value, dict) or name not in value:
        return None if info.is_required() else info.get_default(call_default_factory=True)
    try:
        return _FIELD_CHECKERS[name].validate_python(value[name])
    except ValidationError:
        return None


def _draft(path: Path, doc: Document, record: Question | None, allowed: frozenset[str]) -> _Draft:
    if record is not None:
        return _Draft(path, doc, record, record.id, record.question, record.prompt,
                      {name: getattr(record, name) for name in _UNIQUE_LISTS}, allowed)
    fields = {name: _salvage(doc.value, name) for name in _SALVAGED}
    return _Draft(path, doc, None, fields["id"], fields["question"], fields["prompt"],
                  {name: fields[name] or [] for name in _UNIQUE_LISTS}, allowed)


class _Collector:
    """Gathers problems, errors and warnings alike, so a single run reports all of them, like a compiler."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: Path, message: str, *, field: str = "", at: Position | None = None,
            severity: Severity = "error", rule: str = "") -> None:
        line, column = (at.line, at.column) if at else (None, None)
        self.problems.append(Problem(display_path(path), line, column, field, message, severity, rule))


def load_bank(content_dir: Path, *, progress: Progress = no_progress) -> Bank:
    """Load and check the whole bank; raise ContentError listing every problem found, warnings included, if any is
    an error. An accepted bank carries its warnings."""
    found = _Collector()
    book_path = content_dir / BOOK_FILE
    book_read = _read_document(book_path, found, content_dir)
    book_doc = book_read[0] if book_read else None
    book = _validate(Book, book_doc, book_path, found) if book_doc else None

    drafts: dict[str, list[_Draft]] = {}
    layout = scan(content_dir)
    for path, message in layout.misplaced:
        found.add(path, message)
    folders = layout.topics
    # Book order, so that "also used by" names the record a reader meets first.
    reading_order = {topic.id: index for index, topic in enumerate(book.topics)} if book else {}
    stage = Stage.counting("loading", sum(len(files) for files in folders.values()), "record")
    done = 0
    progress(stage, done)
    for topic_id, files in sorted(folders.items(), key=lambda item: (reading_order.get(item[0], len(reading_order)), item[0])):
        for path in files:
            read = _read_document(path, found, content_dir)
            if read is not None:
                doc, text = read
                record = _validate(Question, doc, path, found)
                drafts.setdefault(topic_id, []).append(_draft(path, doc, record, _allowed(text, path, found)))
            done += 1
            progress(stage, done)

    if book is not None and book_doc is not None:
        # A topic link that leads nowhere is reported as such, not also as a missing folder.
        reported = {path.name for path, _ in layout.misplaced if path.parent == content_dir}
        _check_topics(book, book_doc, book_path, set(folders), reported, found)
        _check_deck_names(book, book_doc, book_path, found)
    in_book_order = [draft for items in drafts.values() for draft in items]
    _check_cross_references(in_book_order, found)
    _check_repeats(in_book_order, found)
    valid = [(draft.path, draft.record, draft.doc) for draft in in_book_order if draft.record is not None]
    _check_tag_count(valid, found)
    _check_dates([book_path, *(path for path, _, _ in valid)], found)
    accepted = {topic: [(draft, _collapse_repeats(draft.record)) for draft in items if draft.record is not None]
                for topic, items in drafts.items()}

    problems = found.problems
    if book is None or any(problem.severity == "error" for problem in problems):
        raise ContentError(problems)
    # A topic folder's time changes when a record is added, removed or renamed in it, which renumbers its questions.
    book_modified = modified(book_path)
    sources = {topic: [Source(draft.path, record, max(modified(draft.path), modified(draft.path.parent), book_modified),
                              draft.doc, draft.allowed)
                       for draft, record in items]
               for topic, items in accepted.items()}
    return number(book, sources, warnings=tuple(problems))


def _read_document(path: Path, found: _Collector, content_dir: Path) -> tuple[Document, str] | None:
    """The file's YAML with positions, and its text; or None after recording why it cannot be read."""
    try:
        raw = read_source(path, content_dir)
    except Unreadable as refused:
        found.add(path, str(refused))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        found.add(path, f"not UTF-8 text (byte 0x{raw[error.start]:02x}); save the file as UTF-8",
                  at=Position(line, 1))
        return None
    if "\x00" in text:
        found.add(path, "contains NUL bytes; is it a binary file?")
        return None
    try:
        doc = read_yaml(text)
    except YamlProblem as problem:
        found.add(path, problem.message, at=problem.position)
        return None
    for tolerated in doc.problems:
        found.add(path, tolerated.message, at=tolerated.position)
    return doc, text


def _allowed(text: str, path: Path, found: _Collector) -> frozenset[str]:
    """The rules the record's comments silence; a name that is no rule's is a warning, or it would silence nothing
    without anyone knowing."""
    names = set()
    for allowed in allow_comments(text):
        if allowed.name in RULES:
            names.add(allowed.name)
            continue
        close = difflib.get_close_matches(allowed.name, list(RULES), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        found.add(path, f"no rule is named {printable(allowed.name)!r}; {hint}rules: {', '.join(RULES)}",
                  at=Position(allowed.line, allowed.column), severity="warning")
    return frozenset(names)


def _validate(model: type[Model], doc: Document, path: Path, found: _Collector) -> Model | None:
    if not isinstance(doc.value, dict):
        found.add(path, f"expected a mapping of fields, found {_kind(doc.value)}", at=Position(1, 1))
        return None
    try:
        return model.model_validate(doc.value)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            _report(model, detail, doc, path, found)
        return None


def _report(model: type[BaseModel], detail: Any, doc: Document, path: Path, found: _Collector) -> None:
    loc: tuple[str | int, ...] = tuple(detail["loc"])
    kind = detail["type"]
    # A missing field points at its parent's key; an unknown one at itself; anything else at its value.
    if kind == "missing":
        where = doc.position(loc[:-1], key=True)
    else:
        where = doc.position(loc, key=kind == "extra_forbidden")
    field = field_name(loc)
    given = detail.get("input")
    if kind == "missing":
        message = "field required"
    elif kind == "extra_forbidden":
        message = f"unknown field {str(loc[-1])!r}"
        close = difflib.get_close_matches(str(loc[-1]), _fields_at(model, loc[:-1]), n=1)
        message += f" (did you mean {close[0]!r}?)" if close else ""
    elif kind == "string_too_short":
        message = "must not be empty"
    elif kind == "string_pattern_mismatch":
        message = f"{given!r} is not a slug (lowercase letters, digits and single hyphens, like 'model-drift')"
    elif kind == "enum":
        message = f"{given!r} is not one of: {detail['ctx']['expected']}"
        choices = [member.value for member in _enum_at(model, loc)]
        close = difflib.get_close_matches(str(given).casefold(), choices, n=1)  # 'Medium' is close to 'medium'
        message += f" (did you mean {close[0]!r}?)" if close else ""
    elif kind in ("string_type", "list_type", "model_type", "dict_type", "model_attributes_type"):
        expected = {"string_type": "text", "list_type": "a list"}.get(kind, "a mapping of fields")
        message = f"expected {expected}, found {_kind(given)}"
    elif kind == "too_short":
        message = "must not be empty"
    elif kind == "too_long":
        limit = detail["ctx"]["max_length"]
        message = f"{detail['ctx']['actual_length']:,} entries, over the limit of {limit:,}"
        where = doc.position(loc + (limit,))  # the first entry over, where the list should end
    elif kind == "string_too_long":
        message = f"{len(given):,} characters, over the limit of {detail['ctx']['max_length']:,}"
    else:
        message = detail["msg"][:1].lower() + detail["msg"][1:]
    found.add(path, message, field=field, at=where)


def _type_at(model: type[BaseModel], path: tuple[str | int, ...], kind: type[Any]) -> Any:
    """The class of `kind` (a model, an enum) that the value at `path` inside `model` must be, or None."""
    current: Any = model
    for part in path:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        annotation = field.annotation if field else None
        candidates = (annotation, *typing.get_args(annotation))
        current = next((c for c in candidates if isinstance(c, type) and issubclass(c, (BaseModel, Enum))), None)
    return current if isinstance(current, type) and issubclass(current, kind) else None


def _fields_at(model: type[BaseModel], path: tuple[str | int, ...]) -> list[str]:
    """The field names allowed at `path` inside `model` (e.g. ('answer',) → the five sections)."""
    current = _type_at(model, path, BaseModel)
    return list(current.model_fields) if current else []


def _enum_at(model: type[BaseModel], path: tuple[str | int, ...]) -> list[Enum]:
    """The members of the enum the value at `path` must be one of."""
    current = _type_at(model, path, Enum)
    return list(current) if current else []


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}" if abs(value) < 10**15 else "a number"
    return f"text {str(value)!r}" if len(str(value)) < 40 else "text"


def _check_topics(book: Book, doc: Document, book_path: Path, folders: set[str], reported: set[str],
                  found: _Collector) -> None:
    declared: dict[str, int] = {}
    for index, topic in enumerate(book.topics):
        where = doc.position(("topics", index, "id"))
        if topic.id in declared:
            found.add(book_path, f"topic {topic.id!r} is declared twice", field=f"topics[{index}].id",
                      at=where)
        declared[topic.id] = index
        if topic.id not in folders | reported:
            found.add(book_path, f"topic {topic.id!r} has no folder {display_path(book_path.parent / topic.id)}/",
                      field=f"topics[{index}].id", at=where)
    for folder in sorted(folders - set(declared)):
        found.add(book_path.parent / folder,
                  f"topic folder is not declared in {BOOK_FILE}; add it under 'topics:' (id: {printable(folder)})")


def _check_deck_names(book: Book, doc: Document, book_path: Path, found: _Collector) -> None:
    """Each topic's cards go to a deck named after its title, so no two titles may name one deck."""
    first_by_deck: dict[str, int] = {}
    for index, topic in enumerate(book.topics):
        first = first_by_deck.setdefault(same_deck_key(topic.title), index)
        if first == index:
            continue
        there = doc.position(("topics", first, "title"))
        line = f":{there.line}:{there.column}" if there else ""
        found.add(book_path, f"{topic.title!r} names the same Anki deck as {book.topics[first].title!r} at "
                  f"{display_path(book_path)}{line} (Anki ignores case, and spaces and colons at either end)",
                  field=f"topics[{index}].title", at=doc.position(("topics", index, "title")))


def _check_tag_count(records: list[tuple[Path, Question, Document]], found: _Collector) -> None:
    """Reported once, at the tag that goes over in book order: book.yaml holds no tags, and that line is where the
    bank crossed the limit; one line, where a report on every later record would bury the other problems."""
    distinct: set[str] = set()
    for path, record, doc in records:
        for index, tag in enumerate(record.tags):
            distinct.add(tag)
            if len(distinct) > MAX_DISTINCT_TAGS:
                found.add(path, f"{tag!r} makes {len(distinct):,} distinct tags in the bank, over the limit of "
                          f"{MAX_DISTINCT_TAGS:,}", field=f"tags[{index}]", at=doc.position(("tags", index)))
                return


def _check_repeats(drafts: list[_Draft], found: _Collector) -> None:
    """A warning for each repeated entry of a record's _UNIQUE_LISTS: the loader keeps it once."""
    for draft in drafts:
        if DUPLICATE_ENTRY.name in draft.allowed:
            continue
        for name, entries in draft.lists.items():
            first_index: dict[str, int] = {}
            for index, entry in enumerate(entries):
                if entry not in first_index:
                    first_index[entry] = index
                    continue
                first = draft.doc.position((name, first_index[entry]))
                already = f" (first at {first.line}:{first.column})" if first else ""
                found.add(draft.path, f"{entry!r} is listed again{already}; {DUPLICATE_ENTRY.fix}",
                          field=f"{name}[{index}]", at=draft.doc.position((name, index)), severity="warning",
                          rule=DUPLICATE_ENTRY.name)


def _collapse_repeats(record: Question) -> Question:
    """The record with each entry of its _UNIQUE_LISTS once, in first-seen order."""
    collapsed = {name: list(dict.fromkeys(getattr(record, name))) for name in _UNIQUE_LISTS}
    changed = {name: entries for name, entries in collapsed.items() if len(entries) < len(getattr(record, name))}
    return record.model_copy(update=changed) if changed else record


def _check_dates(paths: list[Path], found: _Collector) -> None:
    """A file dated in the future is taken as changed now (sources.modified); say so, since every build until the
    date passes changes the outputs' dates."""
    for path in paths:
        when = dated_in_the_future(path)
        if when is not None:
            date = datetime.datetime.fromtimestamp(when, tz=datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
            found.add(path, f"modified in the future ({date}), so taken as modified now; run "
                            f"`touch {shlex.quote(display_path(path))}` to fix it", severity="warning")


def _check_cross_references(drafts: list[_Draft], found: _Collector) -> None:
    first_by_id: dict[str, Path] = {}
    first_by_question: dict[tuple[str, str | None], Path] = {}
    for draft in drafts:
        path, doc = draft.path, draft.doc
        if draft.id is not None and draft.id in first_by_id:
            found.add(path, f"duplicate id {draft.id!r}, also used by {display_path(first_by_id[draft.id])}",
                      field="id", at=doc.position(("id",)))
        elif draft.id is not None:
            first_by_id[draft.id] = path
        if draft.question is None:
            continue
        # A coding exercise's question ("What does this print?") repeats; its prompt, the code, tells it apart.
        normalised = (fold(plain_text(parse_inline(draft.question))), draft.prompt)
        if normalised in first_by_question:
            found.add(path, f"same question as {display_path(first_by_question[normalised])}", field="question",
                      at=doc.position(("question",)))
        else:
            first_by_question[normalised] = path
    for draft in drafts:
        path, doc = draft.path, draft.doc
        for index, target in enumerate(draft.lists["see_also"]):
            where = doc.position(("see_also", index))
            if target == draft.id:
                found.add(path, "a record cannot refer to itself", field=f"see_also[{index}]", at=where)
            elif target not in first_by_id:
                close = difflib.get_close_matches(target, list(first_by_id), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                found.add(path, f"no record has the id {target!r}{hint}", field=f"see_also[{index}]",
                          at=where)
