"""The JSON Schema files editors use to complete and check records (yaml-language-server modelines)."""

from __future__ import annotations

from typing import Any

from prepbook.models import Book, Question


def schema_files() -> dict[str, dict[str, Any]]:
    """File name under schema/ → its JSON Schema, generated from the pydantic models (the one source)."""
    return {
        "book.schema.json": {"$schema": "https://json-schema.org/draft/2020-12/schema", **Book.model_json_schema()},
        "question.schema.json": {"$schema": "https://json-schema.org/draft/2020-12/schema",
                                 **Question.model_json_schema()},
    }
