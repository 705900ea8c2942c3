"""The Jinja environment every renderer uses: strict, escaping by file type, errors with file and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from prepbook.errors import BuildError


def render_template(templates_dir: Path, name: str, context: dict[str, Any],
                    filters: dict[str, Callable[..., Any]] | None = None) -> str:
    """Render one template; a missing template or a Jinja error becomes a BuildError naming file and line."""
    environment = _environment(templates_dir)
    environment.filters.update(filters or {})
    try:
        return environment.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise BuildError(f"{error.filename or name}:{error.lineno}: template error: {error.message}") from error
    except jinja2.TemplateNotFound as error:
        raise BuildError(f"template not found: {templates_dir / str(error.name)}") from error
    except (jinja2.UndefinedError, jinja2.TemplateError) as error:
        raise BuildError(f"{templates_dir / name}:{_template_line(error, name)}: template error: {error}") from error


def _environment(templates_dir: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        # A typo in a template must fail loudly, never print an empty string.
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2", "xml"), default=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _template_line(error: Exception, name: str) -> str:
    """The template line of a runtime error, read off the traceback Jinja rewrites to point at templates."""
    traceback = error.__traceback__
    line = "?"
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename.endswith(name):
            line = str(traceback.tb_lineno)
        traceback = traceback.tb_next
    return line
