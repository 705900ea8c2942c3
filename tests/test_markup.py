"""The one Markdown parser every output's writer walks."""

from __future__ import annotations

from prepbook.markup import parse_inline, plain_text


def test_a_question_is_inline_markdown_only() -> None:
    # "1." would open a list and "#" a heading in a section; in a question they are text.
    tree = parse_inline("1. What does `x` do?\n# not a heading")
    assert [node.name for node in tree.children] == ["paragraph"]
    assert plain_text(tree) == "1. What does x do? # not a heading"
