"""The project's own exceptions: what the CLI turns into one-line messages and exit codes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# A warning never stops a build; `validate --strict` makes it an error.
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One located mistake in the content, printed the way compilers print them."""

    path: str
    line: int | None
    column: int | None
    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {self.severity}: {field}{self.message}"


def printable(text: str) -> str:
    """Text as it is when every character of it prints, else quoted with escapes: a name holding a newline (or a
    character that reorders the line) would otherwise make one problem look like two, or like another."""
    return text if text.isprintable() else repr(text)


def display_path(path: Path) -> str:
    """A path as the user typed it relative to where they stand, so editors can jump to it."""
    try:
        return printable(str(path.relative_to(Path.cwd())))
    except ValueError:
        return printable(str(path))


class PrepbookError(Exception):
    """Base of every error the CLI reports without a traceback."""

    exit_code = 3


class ContentError(PrepbookError):
    """The content is invalid; carries every problem found, not just the first, warnings included."""

    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.path, p.line or 0, p.column or 0, p.field, p.message))
        super().__init__(f"{len(self.problems)} problem(s) in the content")


class BuildError(PrepbookError):
    """A build could not finish: a broken template, an unwritable output folder, a full disk."""

    exit_code = 3


class UsageError(PrepbookError):
    """The command line asks for something that does not exist (an unknown format, say)."""

    exit_code = 2
