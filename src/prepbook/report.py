"""Problems as lines to print: compiler style for people and editors, or GitHub Actions workflow commands, which
a pull request shows as annotations on the lines they name."""

from __future__ import annotations

from prepbook.errors import Problem

REPORT_FORMATS = ("text", "github")


def report_line(problem: Problem, report: str) -> str:
    return github_annotation(problem) if report == "github" else str(problem)


def github_annotation(problem: Problem) -> str:
    """`::error file=…,line=…,col=…::message`, escaped as the Actions toolkit does, so a '%', a newline, or a ',' or
    ':' in a file name cannot end the command early or pass for one of its properties."""
    properties = [f"file={_property(problem.path)}"]
    if problem.line is not None:
        properties.append(f"line={problem.line}")
        if problem.column is not None:
            properties.append(f"col={problem.column}")
    return f"::{problem.severity} {','.join(properties)}::{_data(problem.text)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
