"""The schema: pydantic models for the book's metadata and for one question record."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# Bounds on lists no reader needs longer: without them one record of 60,000 tags made 8.9 MB of handbook HTML and
# a PDF that never finished. Checked before any work that grows faster than the list.
MAX_LIST_ENTRIES = 50
MAX_TAG_LENGTH = 40
MAX_DISTINCT_TAGS = 2_000  # in the whole bank; the loader checks it, across records

# Every model strips leading and trailing whitespace (StrictModel), before these constraints apply.
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Tag = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=MAX_TAG_LENGTH)]
PlainText = Annotated[str, StringConstraints(min_length=1)]
Markdown = Annotated[str, StringConstraints(min_length=1)]
InlineMarkdown = Annotated[str, StringConstraints(min_length=1)]  # one paragraph's worth: code spans, emphasis


class StrictModel(BaseModel):
    # extra="forbid": a typo such as `mistake:` must be an error, never silently dropped.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Difficulty(StrEnum):
    easy = "easy"
    medium = "medium"
    hard = "hard"


@dataclass(frozen=True)
class Section:
    """What every output needs to know of one answer section, declared once on its field of `Answer` below."""

    title: str  # the heading the book, the card and the sheet print
    # The deck's field for this section. Never change one: Anki refuses to update any note whose note type gained,
    # lost or renamed a field, so a learner's cards would freeze (see render/anki.py).
    anki_field: str
    key: str = ""  # the record's key under `answer:`, filled in from the field name


class Answer(StrictModel):
    """The five sections every question has, in the order every output shows them."""

    short: Annotated[Markdown, Section("Short answer", anki_field="Short")] = Field(
        description="Short answer: the two or three sentences to say first.")
    deep_dive: Annotated[Markdown, Section("Deep dive", anki_field="DeepDive")] = Field(
        description="Deep dive: how and why it works.")
    example: Annotated[Markdown, Section("Real-world example", anki_field="Example")] = Field(
        description="Real-world example.")
    mistakes: Annotated[Markdown, Section("Common mistakes", anki_field="Mistakes")] = Field(
        description="Common mistakes candidates and engineers make.")
    in_production: Annotated[Markdown, Section("In production", anki_field="InProduction")] = Field(
        description="In production: a story from a real system.")

    def text(self, section: Section) -> str:
        """The Markdown the record holds for `section`."""
        value: str = getattr(self, section.key)
        return value


def _sections() -> tuple[Section, ...]:
    sections = []
    for key, info in Answer.model_fields.items():
        (section,) = (marker for marker in info.metadata if isinstance(marker, Section))
        sections.append(replace(section, key=key))
    return tuple(sections)


# The five sections in reading order; renderers and templates iterate over these, never over names of their own.
SECTIONS: tuple[Section, ...] = _sections()
SHORT, DEEP_DIVE, EXAMPLE, MISTAKES, IN_PRODUCTION = SECTIONS


class Question(StrictModel):
    """One question record: one YAML file under content/<topic>/."""

    id: Slug = Field(description="Stable identity for every output (Anki GUID, anchors). Never change it.")
    question: InlineMarkdown = Field(
        description="The question, in inline Markdown (`code`, *emphasis*): shown as the question's heading.")
    prompt: Markdown | None = Field(
        default=None, description="Optional: what the question asks about, shown under it and on the card's front "
                                  "(the code to read, the table to interpret), in Markdown.")
    difficulty: Difficulty
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_LIST_ENTRIES, description="Lowercase slugs.")
    see_also: list[Slug] = Field(default_factory=list, max_length=MAX_LIST_ENTRIES,
                                 description="Ids of related records.")
    answer: Answer


class TopicInfo(StrictModel):
    id: Slug = Field(description="The topic's folder name under content/.")
    title: PlainText
    description: PlainText | None = None


class LintSettings(StrictModel):
    """The thresholds of `prepbook lint` (and `validate --strict`), under `lint:` in book.yaml."""

    short_answer_max_words: int = Field(
        default=60, ge=1, description="A short answer longer than this is not what you would say first.")
    section_min_words: int = Field(
        default=15, ge=0, description="An answer section shorter than this tells a reader too little (0: no limit).")
    near_duplicate_similarity: float = Field(
        default=0.8, gt=0.5, le=1,
        description="Two questions with the same prompt whose sets of words overlap at least this much (shared "
                    "words / all words, after folding case and dropping punctuation) are near duplicates.")
    tag_typo_edits: int = Field(
        default=2, ge=0, description="A tag used once within this many edits of another tag is likely a typo "
                                     "(0: never).")


class Book(StrictModel):
    """content/book.yaml: the book's metadata and its topics in reading order."""

    model_config = ConfigDict(coerce_numbers_to_str=True)

    title: PlainText
    subtitle: PlainText | None = None
    author: PlainText | None = None
    edition: PlainText | None = None
    date: PlainText | None = Field(default=None, description="Shown on the cover; defaults to the build date.")
    language: PlainText = "en"
    subject: PlainText | None = None
    keywords: list[PlainText] = Field(default_factory=list)
    topics: list[TopicInfo] = Field(min_length=1)
    lint: LintSettings = Field(default_factory=LintSettings)
