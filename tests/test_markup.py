"""The one Markdown parser every output's writer walks."""

from __future__ import annotations

import pytest

from prepbook.markup import parse, parse_inline, plain_text


def test_a_question_is_inline_markdown_only() -> None:
    # "1." would open a list and "#" a heading in a section; in a question they are text.
    tree = parse_inline("1. What does `x` do?\n# not a heading")
    assert [node.name for node in tree.children] == ["paragraph"]
    assert plain_text(tree) == "1. What does x do? # not a heading"


@pytest.mark.parametrize("text", ["[a`", "See [the `x", "x[`"])
def test_a_bracket_before_a_backtick_nothing_closes_parses(text: str) -> None:
    # markdown-it-pyrs 0.4 panics on these; they are read without code spans instead, their backticks as typed.
    assert plain_text(parse(text)) == text
    assert plain_text(parse_inline(text)) == text
