"""`prepbook new`: a record file to fill in, with an id no record has and the next place in its topic.

The five sections are written empty, under the description of each, so `validate` refuses the record (each
section "must not be empty") until every one is written.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path
from typing import Any

from prepbook.errors import UsageError, display_path
from prepbook.models import SECTIONS, Answer, Difficulty
from prepbook.sources import BOOK_FILE, Unreadable, read_source, scan
from prepbook.yamlread import YamlProblem, read_yaml

# Words that say a sentence is a question rather than what it is about: left out of the id.
_FILLER_WORDS = frozenset({
    "a", "an", "the", "what", "which", "who", "whom", "whose", "why", "how", "when", "where", "is", "are", "was",
    "were", "be", "been", "do", "does", "did", "done", "can", "could", "would", "should", "will", "shall", "may",
    "might", "must", "you", "your", "we", "our", "i", "my", "me", "it", "its", "this", "that", "these", "those", "of",
    "to", "in", "on", "at", "for", "from", "by", "with", "and", "or", "explain", "describe", "tell", "us", "about",
})
_ID_WORDS = 6  # enough to tell questions apart, short enough to type in a see_also
_PREFIX_STEP = 10  # 010, 020, ...: room to put a question between two others without renaming either
_PREFIX = re.compile(r"^(\d+)-")


def new_record(content_dir: Path, topic: str, question: str, difficulty: Difficulty) -> Path:
    """Write the record's file into the topic's folder and return its path."""
    question = question.strip()
    if not question or "\n" in question:
        raise UsageError("the question must be one line of text")
    topics = _declared_topics(content_dir)
    if topic not in topics:
        close = difflib.get_close_matches(topic, topics, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise UsageError(f"topic {topic!r} is not declared in {display_path(content_dir / BOOK_FILE)}; {hint}"
                         f"declared: {', '.join(topics) or 'none'}")
    layout = scan(content_dir)
    records = [path for paths in layout.topics.values() for path in paths]
    record_id = _free_id(question, _ids_in_use(content_dir, records))
    folder = content_dir / topic
    path = folder / f"{_next_prefix(layout.topics.get(topic, []))}-{record_id}.yaml"
    folder.mkdir(exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as stream:  # never over a file written meanwhile
            stream.write(_record_text(record_id, question, difficulty))
    except OSError as error:
        raise UsageError(f"cannot write {display_path(path)}: {error.strerror or error}") from error
    return path


def _read(path: Path, content_dir: Path) -> Any:
    """The file's YAML value, or None when it cannot be read or parsed (validate says why; `new` only looks)."""
    try:
        return read_yaml(read_source(path, content_dir).decode("utf-8")).value
    except (Unreadable, UnicodeDecodeError, YamlProblem):
        return None


def _declared_topics(content_dir: Path) -> list[str]:
    book = _read(content_dir / BOOK_FILE, content_dir)
    if not isinstance(book, dict) or not isinstance(book.get("topics"), list):
        raise UsageError(f"{display_path(content_dir / BOOK_FILE)} declares no topics; run prepbook validate")
    return [topic["id"] for topic in book["topics"] if isinstance(topic, dict) and isinstance(topic.get("id"), str)]


def _ids_in_use(content_dir: Path, records: list[Path]) -> set[str]:
    values = (_read(path, content_dir) for path in records)
    return {value["id"] for value in values if isinstance(value, dict) and isinstance(value.get("id"), str)}


def _free_id(question: str, taken: set[str]) -> str:
    """A slug of the question's words that matter, with -2, -3... when a record already has it."""
    typed = question.replace("\N{RIGHT SINGLE QUOTATION MARK}", "'")
    ascii_text = unicodedata.normalize("NFKD", typed).encode("ascii", "ignore").decode().lower()
    # "What's" is "what", "don't" is "dont": an apostrophe never splits a word in two.
    words = re.findall(r"[a-z0-9]+", re.sub(r"'s\b|'", "", ascii_text))
    base = "-".join(([word for word in words if word not in _FILLER_WORDS] or words)[:_ID_WORDS]) or "question"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _next_prefix(files: list[Path]) -> str:
    """The next file-name number after the topic's last, so the new question comes last in its chapter."""
    numbers = [match.group(1) for path in files if (match := _PREFIX.match(path.name))]
    last = max((int(number) for number in numbers), default=0)
    width = max([3, *(len(number) for number in numbers)])
    return f"{(last // _PREFIX_STEP + 1) * _PREFIX_STEP:0{width}d}"


def _scalar(text: str) -> str:
    """The text as a YAML scalar: plain when it reads back unchanged, else double-quoted."""
    try:
        if read_yaml(f"value: {text}\n").value == {"value": text}:
            return text
    except YamlProblem:
        pass
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _record_text(record_id: str, question: str, difficulty: Difficulty) -> str:
    descriptions = {key: info.description for key, info in Answer.model_fields.items()}
    sections = "".join(f"  # {descriptions[section.key]}\n  {section.key}: |\n" for section in SECTIONS)
    return (
        "# yaml-language-server: $schema=../../schema/question.schema.json\n"
        f"id: {record_id}\n"
        f"question: {_scalar(question)}\n"
        f"difficulty: {difficulty.value}  # {' | '.join(level.value for level in Difficulty)}\n"
        "tags: []\n"
        "see_also: []  # ids of related questions\n"
        "answer:\n"
        f"{sections}"
    )
