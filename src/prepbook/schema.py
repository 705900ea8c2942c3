"""The JSON Schema files editors use to complete and check records (yaml-language-server modelines)."""

from __future__ import annotations

import json
from typing import Any

from prepbook.models import Book, Question


def schema_files() -> dict[str, dict[str, Any]]:
    """File name under schema/ → its JSON Schema, generated from the pydantic models (the one source)."""
    return {
        "book.schema.json": {"$schema": "https://json-schema.org/draft/2020-12/schema", **Book.model_json_schema()},
        "question.schema.json": {"$schema": "https://json-schema.org/draft/2020-12/schema",
                                 **Question.model_json_schema()},
    }


def schema_bytes() -> dict[str, bytes]:
    """The files as written: `prepbook schema` into schema/, `prepbook init` into a new bank's."""
    return {name: (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()
            for name, document in schema_files().items()}
