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
    rule: str = ""  # the reviewer's rule that found it (rules.py), which a record's comment can silence

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.severity}: {self.text}"

    @property
    def text(self) -> str:
        """What is wrong, without where: 'field: message [rule]'."""
        field = f"{self.field}: " if self.field else ""
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{field}{self.message}{rule}"


def in_file_order(problems: list[Problem]) -> list[Problem]:
    """File by file, top to bottom, as a compiler lists them."""
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.column or 0, p.field, p.message))


def printable(text: str) -> str:
    """Text as it is when every character of it prints, else quoted with escapes: a name holding a newline (or a
    character that reorders the line) would otherwise make one problem look like two, or like another."""
    return text if text.isprintable() else repr(text)


def field_name(path: tuple[str | int, ...]) -> str:
    """A key path as problems name it: ('answer', 'short') → answer.short, ('tags', 2) → tags[2]."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{printable(part)}" if name else printable(part))
    return name


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
        self.problems = in_file_order(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the content")


class BuildError(PrepbookError):
    """A build could not finish: a broken template, an unwritable output folder, a full disk."""

    exit_code = 3


class UsageError(PrepbookError):
    """The command line asks for something that does not exist (an unknown format, say)."""

    exit_code = 2
