"""The command line: the only place that prints or exits. Every project error is one line and an exit code.

Exit codes: 0 success, 1 invalid content, 2 usage error, 3 build failure (template, output folder, disk),
4 internal error; a build stopped by Ctrl-C, SIGTERM or SIGHUP ends by that signal (status 130, 143 or 129 in
a shell), and main() called in-process exits with that status instead.
"""

from __future__ import annotations

import shlex
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from prepbook import __version__, interrupts
from prepbook.bank import Bank
from prepbook.cli_options import BuildCommand, WatchCommand
from prepbook.errors import ContentError, PrepbookError, Problem, UsageError, display_path
from prepbook.models import Difficulty
from prepbook.report import REPORT_FORMATS, report_line
from prepbook.stages import count

EXIT_BY_SIGNAL = 128  # plus the signal's number: what a shell shows for a command that a signal ended

content_option = click.option(
    "--content", "content_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("content"), show_default=True, help="Folder holding book.yaml and one folder per topic.")
debug_option = click.option("--debug", is_flag=True, help="Show the full traceback of a failure (for bug reports).")
out_option = click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True,
    help="Folder the outputs are written to (never inside --content).")
report_option = click.option(
    "--format", "report", type=click.Choice(REPORT_FORMATS), default="text", show_default=True,
    help="How problems are printed: text (file:line:col: ..., on stderr) or github (GitHub Actions annotations, on "
         "stdout, where the runner reads them).")
force_option = click.option("--force", is_flag=True,
                            help="Write into DIR even if it is not empty, replacing files of the same name.")


def _run(action: Callable[[], Any], debug: bool, report: str = "text") -> None:
    """Turn the project's errors into one line each and a documented exit code."""
    with interrupts.stopping_on_signals():
        try:
            action()
        except ContentError as error:
            _print_problems(error.problems, report)
            click.echo(f"{_tally(error.problems)}; nothing was built.", err=True)
            sys.exit(error.exit_code)
        except PrepbookError as error:
            if debug:
                traceback.print_exc()
            click.echo(f"prepbook: error: {error}", err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            stopped_by = interrupts.requested()
            what = "interrupted" if stopped_by == signal.SIGINT else "terminated"
            click.echo(f"prepbook: {what}; outputs are as they were before this build.", err=True)
            sys.exit(EXIT_BY_SIGNAL + stopped_by)
        except Exception as error:  # noqa: BLE001  # a bug in prepbook itself, not a user mistake: one line, exit 4
            if debug:
                traceback.print_exc()
            hint = "" if debug else " (run with --debug for details)"
            click.echo(f"prepbook: internal error: {type(error).__name__}: {error}{hint}", err=True)
            sys.exit(4)


def _print_problems(problems: Sequence[Problem], report: str = "text") -> None:
    for problem in problems:
        click.echo(report_line(problem, report), err=report == "text")


def _bank_size(bank: Bank) -> str:
    return f"{count(len(bank.entries), 'question')} in {count(len(bank.chapters), 'topic')}"


def _tally(problems: Sequence[Problem]) -> str:
    """'2 error(s)' or '2 error(s), 1 warning(s)': the summary line after the problems themselves."""
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    return f"{errors} error(s)" + (f", {warnings} warning(s)" if warnings else "")


def _format_names(formats: Sequence[str]) -> list[str]:
    """The formats asked for, `all` spelt out, each once."""
    from prepbook.render import ALL_FORMATS

    return list(dict.fromkeys(name for requested in formats
                              for name in (ALL_FORMATS if requested == "all" else (requested,))))


def _waiting_for(out_dir: Path) -> Callable[[int | None], None]:
    """What a build says while another build into the same folder holds it."""
    def waiting(holder: int | None) -> None:
        who = f"the build in {out_dir}/ (pid {holder})" if holder is not None else f"another build in {out_dir}/"
        click.echo(f"prepbook: waiting for {who} to finish", err=True)

    return waiting


def run() -> None:
    """The `prepbook` command and `python -m prepbook`: main(), which a host process may also call (tests, click's
    CliRunner) and get exit code 128 + N from a build that signal N stopped, while the command ends by the signal."""
    try:
        main()
    except SystemExit as leaving:
        if isinstance(leaving.code, int) and leaving.code - EXIT_BY_SIGNAL in interrupts.STOPPING:
            interrupts.end_by(signal.Signals(leaving.code - EXIT_BY_SIGNAL))
        raise


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="prepbook")
def main() -> None:
    """Compile a bank of interview questions into a PDF handbook, an Anki deck and a Markdown cheat-sheet."""


def _default_templates(context: click.Context, parameter: click.Parameter, given: Path | None) -> Path:
    """prepbook's own templates unless --templates names others: they come with prepbook, wherever it is installed
    and whatever folder it runs in, so a content repository needs no templates of its own."""
    from prepbook import default_templates

    return given if given is not None else default_templates.folder()


templates_option = click.option(
    "--templates", "templates_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
    callback=_default_templates, help="Folder of templates and CSS to use instead of prepbook's own (`prepbook "
                                      "templates DIR` copies those, to start from); lint reads its fonts/.")


@main.command()
@content_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors and apply the lint rules (exit 1): for CI.")
@templates_option
@report_option
@debug_option
def validate(content_dir: Path, strict: bool, templates_dir: Path, report: str, debug: bool) -> None:
    """Check every record and report every problem, one per line (file:line:col: error|warning: field: message)."""
    from prepbook.load import load_bank

    def action() -> None:
        if strict:
            from prepbook.lint import check_strictly

            bank = check_strictly(content_dir, templates_dir)
        else:
            bank = load_bank(content_dir)
        _print_problems(bank.warnings, report)
        verdict = f"valid, {len(bank.warnings)} warning(s)" if bank.warnings else "all valid"
        click.echo(f"{_bank_size(bank)}: {verdict}.", err=True)

    _run(action, debug, report)


@main.command()
@content_option
@templates_option
@report_option
@debug_option
def lint(content_dir: Path, templates_dir: Path, report: str, debug: bool) -> None:
    """Apply the reviewer's rules to a valid bank: each finding names its rule and its fix. A record silences a rule
    with a comment line of its own: `# prepbook: allow RULE[, RULE...]`. Thresholds: `lint:` in book.yaml."""
    from prepbook.lint import check

    def action() -> None:
        bank, found = check(content_dir, templates_dir)
        _print_problems(found, report)
        verdict = f"{len(found)} warning(s)" if found else "nothing to say"
        click.echo(f"{_bank_size(bank)}: {verdict}.", err=True)

    _run(action, debug, report)


@main.command(cls=BuildCommand, short_help="Build FORMAT... into the --out folder.")
@click.argument("formats", nargs=-1, required=True, metavar="FORMAT...")
@content_option
@out_option
@templates_option
@debug_option
def build(formats: tuple[str, ...], content_dir: Path, out_dir: Path, templates_dir: Path, debug: bool,
          **option_values: Any) -> None:
    from prepbook.build import build as build_outputs
    from prepbook.build import settings_for
    from prepbook.progress import ProgressBar

    def action() -> None:
        names = _format_names(formats)
        with ProgressBar() as progress:
            built = build_outputs(names, content_dir, settings_for(content_dir, templates_dir, progress=progress),
                                  option_values, out_dir, on_wait=_waiting_for(out_dir))
        _print_problems(built.warnings)  # once the progress bar is gone, so they stay readable
        for written in built.written:
            state = "wrote" if written.changed else "unchanged"
            click.echo(f"{state} {written.path} ({written.size / 1024:,.0f} KiB)", err=True)

    _run(action, debug)


@main.command()
@content_option
@click.option("--format", "shape", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="A table to read, or JSON for scripts.")
@debug_option
def stats(content_dir: Path, shape: str, debug: bool) -> None:
    """Records per topic, difficulty and tag, section lengths in words, and the records nothing links to."""
    from prepbook.load import load_bank
    from prepbook.stats import as_json, as_table, bank_stats

    def action() -> None:
        bank = load_bank(content_dir)
        _print_problems(bank.warnings)
        numbers = bank_stats(bank)
        click.echo(as_json(numbers) if shape == "json" else as_table(numbers, bank), nl=shape == "json")

    _run(action, debug)


@main.command()
@click.argument("topic")
@click.option("--question", "-q", help="The question, one line (asked for on a terminal when not given).")
@click.option("--difficulty", type=click.Choice([level.value for level in Difficulty]), default=Difficulty.medium.value,
              show_default=True)
@content_option
@debug_option
def new(topic: str, question: str | None, difficulty: str, content_dir: Path, debug: bool) -> None:
    """Start a record in TOPIC: a free id from the question, the next file name, five sections to write."""
    from prepbook.scaffold import new_record

    def action() -> None:
        asked = question
        if asked is None:
            if not sys.stdin.isatty():
                raise UsageError("give the question with --question (it is asked for only on a terminal)")
            asked = click.prompt("Question")
        path = new_record(content_dir, topic, asked, Difficulty(difficulty))
        click.echo(path)
        click.echo(f"wrote {display_path(path)}: write its five answer sections, then run prepbook validate",
                   err=True)

    _run(action, debug)


@main.command(cls=WatchCommand, short_help="Rebuild FORMAT... after each change; serve the html preview.")
@click.argument("formats", nargs=-1, metavar="[FORMAT...]")
@content_option
@out_option
@templates_option
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port of the preview on 127.0.0.1 (0: any free one).")
@debug_option
def watch(formats: tuple[str, ...], content_dir: Path, out_dir: Path, templates_dir: Path, port: int, debug: bool,
          **option_values: Any) -> None:
    import contextlib
    import threading

    from prepbook.build import build as build_outputs
    from prepbook.build import check_out_dir, settings_for
    from prepbook.errors import BuildError
    from prepbook.render.html import RENDERER as HTML
    from prepbook.watch import Preview
    from prepbook.watch import watch as watch_changes

    names = _format_names(formats or ("html",))

    def action() -> None:
        check_out_dir(content_dir, out_dir)  # before serving anything
        with Preview(out_dir, HTML.filename, port) if "html" in names else contextlib.nullcontext() as preview:

            def rebuild() -> None:
                try:
                    built = build_outputs(names, content_dir, settings_for(content_dir, templates_dir),
                                          option_values, out_dir, on_wait=_waiting_for(out_dir))
                except ContentError as error:
                    _print_problems(error.problems)
                    click.echo(f"{_tally(error.problems)}; nothing was built. Waiting for a change.", err=True)
                    return
                except BuildError as error:
                    click.echo(f"prepbook: error: {error}. Waiting for a change.", err=True)
                    return
                _print_problems(built.warnings)
                changed = [written.path for written in built.written if written.changed]
                click.echo(f"built {', '.join(map(str, changed)) or 'nothing new'}; waiting for a change.", err=True)
                if preview is not None:
                    preview.built()

            if preview is not None:
                click.echo(f"serving the preview at {preview.url} (Ctrl-C stops)", err=True)
            watch_changes([content_dir, templates_dir], rebuild, threading.Event())

    _run(action, debug)


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("schema"),
              show_default=True, help="Folder the JSON Schema files are written to.")
@debug_option
def schema(out_dir: Path, debug: bool) -> None:
    """Write the JSON Schema of book.yaml and of a question record, for editors' completion and checks."""
    from prepbook.output import commit
    from prepbook.schema import schema_bytes

    def action() -> None:
        for name, changed in commit(out_dir, schema_bytes()).items():
            click.echo(f"{'wrote' if changed else 'unchanged'} {out_dir / name}", err=True)

    _run(action, debug)


@main.command()
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@force_option
@debug_option
def templates(folder: Path, force: bool, debug: bool) -> None:
    """Copy prepbook's templates, stylesheets and fonts into DIR, to restyle the book or the cards; then build
    with --templates DIR."""
    from prepbook import default_templates

    def action() -> None:
        _refuse_non_empty(folder, force)
        written = default_templates.copy_to(folder)
        click.echo(f"wrote {count(len(written), 'file')} into {folder}; build with --templates {folder}", err=True)

    _run(action, debug)


@main.command()
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@force_option
@debug_option
def init(folder: Path, force: bool, debug: bool) -> None:
    """Start a new bank in DIR: content/ with book.yaml and an example question, the JSON Schemas editors check
    them with, a .gitignore, a pre-commit hook and a GitHub Actions workflow that validates and builds."""
    from prepbook.output import commit
    from prepbook.starter import starter_files

    def action() -> None:
        _refuse_non_empty(folder, force)
        files = starter_files()
        commit(folder, files)
        click.echo(f"wrote {count(len(files), 'file')} into {folder}; next: cd {shlex.quote(str(folder))} && "
                   f"prepbook validate && prepbook build all", err=True)

    _run(action, debug)


def _refuse_non_empty(folder: Path, force: bool) -> None:
    """What a command writes into a folder of its own must not mix with files already there, unless asked."""
    if not force and folder.is_dir() and any(folder.iterdir()):
        raise UsageError(f"{folder} is not empty; pass --force to write into it anyway (files of the same name are "
                         f"replaced, others are left alone)")
