"""The schema: pydantic models for the book's metadata and for one question record."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

# Every model strips leading and trailing whitespace (StrictModel), before these constraints apply.
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
PlainText = Annotated[str, StringConstraints(min_length=1)]
Markdown = Annotated[str, StringConstraints(min_length=1)]


class StrictModel(BaseModel):
    # extra="forbid": a typo such as `mistake:` must be an error, never silently dropped.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Difficulty(str, Enum):
    easy = "easy"
    medium = "medium"
    hard = "hard"


class Answer(StrictModel):
    """The five sections every question has, in the order every output shows them."""

    short: Markdown = Field(description="Short answer: the two or three sentences to say first.")
    deep_dive: Markdown = Field(description="Deep dive: how and why it works.")
    example: Markdown = Field(description="Real-world example.")
    mistakes: Markdown = Field(description="Common mistakes candidates and engineers make.")
    in_production: Markdown = Field(description="In production: a story from a real system.")


SECTION_TITLES: dict[str, str] = {
    "short": "Short answer",
    "deep_dive": "Deep dive",
    "example": "Real-world example",
    "mistakes": "Common mistakes",
    "in_production": "In production",
}


class Question(StrictModel):
    """One question record: one YAML file under content/<topic>/."""

    id: Slug = Field(description="Stable identity for every output (Anki GUID, anchors). Never change it.")
    question: PlainText = Field(description="The question, plain text, shown literally.")
    difficulty: Difficulty
    tags: list[Slug] = Field(default_factory=list, description="Lowercase slugs.")
    see_also: list[Slug] = Field(default_factory=list, description="Ids of related records.")
    answer: Answer


class TopicInfo(StrictModel):
    id: Slug = Field(description="The topic's folder name under content/.")
    title: PlainText
    description: PlainText | None = None


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
