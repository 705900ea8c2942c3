"""The Jinja environment every renderer uses: strict, escaping by file type, errors with file and line."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import jinja2

from prepbook.errors import BuildError


# Anki's card templates are themselves templates, whose {{Field}}, {{#Field}} and {{/Field}} Anki fills in at
# review time: prepbook's own placeholders in them use square brackets, so both kinds read plainly side by side.
class Delimiters(NamedTuple):
    block: tuple[str, str]
    variable: tuple[str, str]
    comment: tuple[str, str]


JINJA_SYNTAX = Delimiters(block=("{%", "%}"), variable=("{{", "}}"), comment=("{#", "#}"))
ANKI_CARD_SYNTAX = Delimiters(block=("[%", "%]"), variable=("[[", "]]"), comment=("[#", "#]"))


def render_template(templates_dir: Path, name: str, context: dict[str, Any],
                    filters: dict[str, Callable[..., Any]] | None = None, *, anki_card: bool = False) -> str:
    """Render one template; a missing template or a Jinja error becomes a BuildError naming file and line.
    An `anki_card` template is written in ANKI_CARD_SYNTAX."""
    environment = _environment(templates_dir, tuple(sorted((filters or {}).items())), anki_card)
    try:
        return environment.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise BuildError(f"{error.filename or name}:{error.lineno}: template error: {error.message}") from error
    except jinja2.TemplateNotFound as error:
        raise BuildError(f"template not found: {templates_dir / str(error.name)}") from error
    except Exception as error:  # anything a template's own expressions raise: undefined names, 1 / 0...
        raise BuildError(f"{_template_location(error, templates_dir, name)}: template error: {error}") from error


@functools.lru_cache(maxsize=16)
def _environment(templates_dir: Path, filters: tuple[tuple[str, Callable[..., Any]], ...],
                 anki_card: bool) -> jinja2.Environment:
    """One environment per folder and filter set, so each template is compiled once, not once per part; Jinja
    still reloads a template whose file changed."""
    syntax = ANKI_CARD_SYNTAX if anki_card else JINJA_SYNTAX
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        # A typo in a template must fail loudly, never print an empty string.
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2", "xml"), default=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        block_start_string=syntax.block[0], block_end_string=syntax.block[1],
        variable_start_string=syntax.variable[0], variable_end_string=syntax.variable[1],
        comment_start_string=syntax.comment[0], comment_end_string=syntax.comment[1],
    )
    environment.filters.update(filters)
    return environment


def _template_location(error: Exception, templates_dir: Path, name: str) -> str:
    """file:line of the innermost template frame (an included stylesheet, say), read off the traceback
    Jinja rewrites to point at template files."""
    location = f"{templates_dir / name}:?"
    folder = str(templates_dir.resolve())
    traceback = error.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.startswith(folder):
            location = f"{filename}:{traceback.tb_lineno}"
        traceback = traceback.tb_next
    return location
