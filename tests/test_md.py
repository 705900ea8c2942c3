"""The Markdown cheat-sheet, read the way wikis read it: cmark-gfm (GitHub's parser) and Python-Markdown (MkDocs)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import cmarkgfm
import pytest
import yaml
from cmarkgfm.cmark import Options
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it_pyrs import Node as MdNode

from prepbook.bank import Bank, Entry
from prepbook.load import load_bank
from prepbook.markup import SAFE_TAG, parse, parse_inline, plain_text
from prepbook.render import Flavor, Settings
from prepbook.render.md import RENDERER, CheatsheetOptions
from prepbook.render.sheet_text import escape_text
from prepbook.render.sheet_writer import inline, section
from prepbook.render.slugs import github_slug, slugger
from tests.conftest import BankWriter, record
from tests.htmltree import Element as Node
from tests.htmltree import parse_html

FLAVORS: list[Flavor] = ["github", "gitlab", "mkdocs"]
SPECIAL_QUESTION = r"Why do a | b * c _ d < e > f \ g `h` [x](y) # not heading & &amp; ~~no~~ $x$ {y} end?"
# What a reader sees of it: its inline Markdown rendered (a code span, a relative link shown as its text, an entity,
# a strikethrough, which MkDocs does not know and shows as typed), every other character as typed.
SPECIAL_SHOWN = {
    "github": r"Why do a | b * c _ d < e > f \ g h x # not heading & & no $x$ {y} end?",
    "gitlab": r"Why do a | b * c _ d < e > f \ g h x # not heading & & no $x$ {y} end?",
    "mkdocs": r"Why do a | b * c _ d < e > f \ g h x # not heading & & ~~no~~ $x$ {y} end?",
}
RAW_HTML = ("<script>alert(1)</script>", "<u>underlined</u>", "<img src=x  onerror=alert(1)>")
# What the sheet's own layout and answer Markdown may produce; anything else came from content.
MARKUP = {"#fragment", "h1", "h2", "h3", "h4", "h5", "h6", "p", "em", "strong", "code", "pre", "ul", "ol", "li", "a",
          "blockquote", "hr", "table", "thead", "tbody", "tr", "th", "td", "del"}


# --- reading the rendered sheet ---------------------------------------------------------------------------------


def gfm(markdown: str) -> Node:
    """GitHub's parser with its extensions and raw HTML let through, so anything that would be markup shows."""
    html = cmarkgfm.markdown_to_html_with_extensions(
        markdown, options=Options.CMARK_OPT_UNSAFE, extensions=["table", "autolink", "strikethrough"])
    return parse_html(html)


def python_markdown(markdown: str) -> Node:
    """MkDocs' parser with the extensions MkDocs always enables."""
    markdown_lib = pytest.importorskip("markdown")
    return parse_html(markdown_lib.markdown(markdown, extensions=["toc", "tables", "fenced_code"]))


HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def headings(root: Node) -> list[Node]:
    return [node for node in root.iter() if node.tag in HEADINGS]


def fragment_links(root: Node) -> list[Node]:
    return [node for node in root.iter() if node.tag == "a" and node.attrs.get("href", "").startswith("#")]


def read_as(flavor: Flavor, markdown: str) -> Node:
    """The HTML the flavour's wiki makes of the Markdown: cmark-gfm for GitHub and GitLab, Python-Markdown for MkDocs."""
    return python_markdown(markdown) if flavor == "mkdocs" else gfm(markdown)


def anchors(root: Node, flavor: Flavor) -> dict[str, Node]:
    """Anchor → heading. Python-Markdown writes ids; cmark-gfm adds none, so compute each heading's anchor from its
    rendered text, in document order, with the flavour's rules (checked against known answers below)."""
    if flavor == "mkdocs":
        return {heading.attrs["id"]: heading for heading in headings(root)}
    slug = slugger(flavor)
    return {slug(heading.text): heading for heading in headings(root)}


def assert_links_reach_their_headings(root: Node, flavor: Flavor) -> None:
    targets = anchors(root, flavor)
    for link in fragment_links(root):
        target = targets.get(unquote(link.attrs["href"][1:]))
        assert target is not None, f"{link.attrs['href']} ({link.text}) reaches no heading"
        assert target.text == link.text  # the right heading, not merely an existing one


def elements(root: Node) -> list[Node]:
    return [node for node in root.iter() if node.tag != "#fragment"]


def squash(text: str) -> str:
    return " ".join(text.split())


def render(bank: Bank, settings: Settings, **changes: Any) -> str:
    return RENDERER.render(bank, settings, CheatsheetOptions(**changes))[RENDERER.filename].decode("utf-8")


# --- known answers for the slug rules ---------------------------------------------------------------------------

# (heading Markdown, its rendered text, github, gitlab, mkdocs), in document order: duplicates depend on the order.
# Checked by hand against github-slugger's and GitLab's code; the mkdocs column is also checked against
# Python-Markdown itself below.
KNOWN_SLUGS = [
    ("1.2 What is X?", "1.2 What is X?", "12-what-is-x", "12-what-is-x", "12-what-is-x"),
    ("C++ & C# — a comparison", "C++ & C# — a comparison", "c--c--a-comparison", "c-c-a-comparison",
     "c-c-a-comparison"),
    ("What does `x<y` mean?", "What does x<y mean?", "what-does-xy-mean", "what-does-xy-mean", "what-does-xy-mean"),
    ("Stra\u00dfe, caf\u00e9 & na\u00efve", "Stra\u00dfe, caf\u00e9 & na\u00efve", "stra\u00dfe-caf\u00e9--na\u00efve",
     "stra\u00dfe-caf\u00e9-na\u00efve", "strae-cafe-naive"),
    ("Overview", "Overview", "overview", "overview", "overview"),
    ("Overview", "Overview", "overview-1", "overview-1", "overview_1"),
    # GitHub moves on to a free suffix; GitLab counts per text and really does repeat "overview-1".
    ("Overview 1", "Overview 1", "overview-1-1", "overview-1", "overview-1"),
    ("snake\\_case and kebab-case", "snake_case and kebab-case", "snake_case-and-kebab-case",
     "snake_case-and-kebab-case", "snake_case-and-kebab-case"),
    ("a -- b", "a -- b", "a----b", "a-b", "a-b"),
    ("2024", "2024", "2024", "anchor-2024", "2024"),
    ("\u4f60\u597d world", "\u4f60\u597d world", "\u4f60\u597d-world", "\u4f60\u597d-world", "world"),
    ("Emoji \U0001f680 launch", "Emoji \U0001f680 launch", "emoji--launch", "emoji-launch", "emoji-launch"),
    ("v\\_2", "v_2", "v_2", "v_2", "v_2"),
    ("v\\_2", "v_2", "v_2-1", "v_2-1", "v_3"),
    ("!!!", "!!!", "", "", "_1"),
]


@pytest.mark.parametrize("column, flavor", [(2, "github"), (3, "gitlab"), (4, "mkdocs")])
def test_known_answer_slugs(column: int, flavor: Flavor) -> None:
    slug = slugger(flavor)
    assert [slug(row[1]) for row in KNOWN_SLUGS] == [row[column] for row in KNOWN_SLUGS]


def test_known_answer_texts_are_what_gfm_renders() -> None:
    rendered = headings(gfm("\n\n".join(f"## {row[0]}" for row in KNOWN_SLUGS)))
    assert [heading.text for heading in rendered] == [row[1] for row in KNOWN_SLUGS]


def test_known_answer_mkdocs_slugs_are_python_markdowns() -> None:
    rendered = headings(python_markdown("\n\n".join(f"## {row[0]}" for row in KNOWN_SLUGS)))
    assert [heading.attrs["id"] for heading in rendered] == [row[4] for row in KNOWN_SLUGS]


def test_github_keeps_alphabetic_symbols() -> None:
    # Circled letters are symbols, but Alphabetic, and github-slugger keeps Alphabetic characters.
    assert github_slug("\u24b6 circled \u00a9") == "\u24d0-circled-"


# --- the real bank ----------------------------------------------------------------------------------------------


def shown_question(entry: Entry) -> str:
    """The question heading's text as a reader sees it: the question is inline Markdown."""
    return f"{entry.number} {plain_text(parse_inline(entry.record.question))}"


def test_every_question_and_short_answer_appears(bank: Bank, settings: Settings) -> None:
    root = gfm(render(bank, settings))
    heading_texts = [heading.text for heading in headings(root)]
    document = squash(root.text)
    for entry in bank.entries:
        assert shown_question(entry) in heading_texts
        assert squash(gfm(entry.record.answer.short).text) in document
        assert squash(gfm(entry.record.answer.mistakes).text) in document


def test_sheet_starts_with_title_edition_and_date(bank: Bank, settings: Settings) -> None:
    markdown = render(bank, settings)
    root = gfm(markdown)
    assert markdown.startswith(f"# {bank.book.title}\n")
    assert f"Edition {bank.book.edition} · 2026-01-01" in root.text


def test_topics_in_book_order_with_questions_numbered(bank: Bank, settings: Settings) -> None:
    root = gfm(render(bank, settings))
    expected = []
    for chapter in bank.chapters:
        expected.append(("h2", f"{chapter.number}. {chapter.info.title}"))
        expected.extend(("h3", shown_question(entry)) for entry in chapter.entries)
    assert [(node.tag, node.text) for node in headings(root) if node.tag != "h1" and node.text != "Contents"] \
        == expected


@pytest.mark.parametrize("flavor", FLAVORS)
def test_links_reach_their_headings(bank: Bank, settings: Settings, flavor: Flavor) -> None:
    root = read_as(flavor, render(bank, settings, flavor=flavor))
    see_also = sum(len(entry.record.see_also) for entry in bank.entries)
    assert len(fragment_links(root)) == len(bank.chapters) + len(bank.entries) + see_also
    assert_links_reach_their_headings(root, flavor)


@pytest.mark.parametrize("flavor", FLAVORS)
def test_no_raw_html_and_no_hard_breaks(bank: Bank, settings: Settings, flavor: Flavor) -> None:
    markdown = render(bank, settings, flavor=flavor)
    assert_no_raw_html(markdown)
    assert_no_hard_breaks(markdown)
    assert {node.tag for node in read_as(flavor, markdown).iter()} <= MARKUP


def test_difficulty_and_tags_compact(bank: Bank, settings: Settings) -> None:
    markdown = render(bank, settings)
    entry = bank.entries[0]
    tags = " ".join(f"`{tag}`" for tag in entry.record.tags)
    assert f"\n*{entry.record.difficulty.value}* · {tags}\n" in markdown


def test_output_is_deterministic_and_ends_with_one_newline(bank: Bank, settings: Settings) -> None:
    first, second = (RENDERER.render(bank, settings, CheatsheetOptions())[RENDERER.filename] for _ in range(2))
    assert first == second
    assert first.endswith(b"\n") and not first.endswith(b"\n\n")


def test_front_matter_is_yaml(write_bank: BankWriter, settings: Settings) -> None:
    title = 'Prep: "all" of it # really'
    bank = load_bank(write_bank({"basics": [record("alpha")]}, title=title, edition="1"))
    markdown = render(bank, settings, front_matter=True)
    match = re.match(r"---\n(.*?\n)---\n\n# ", markdown, re.DOTALL)
    assert match, markdown[:200]
    assert yaml.safe_load(match.group(1)) == {"title": title, "date": date(2026, 1, 1), "edition": "1"}
    assert render(bank, settings).startswith("# Prep: \"all\" of it \\# really\n")


# --- content that must not turn into markup ---------------------------------------------------------------------


@pytest.fixture
def special_bank(write_bank: BankWriter) -> Bank:
    special = record(
        "special",
        question=SPECIAL_QUESTION,
        answer={
            "short": f"Use `x<y` when a < b, never {RAW_HTML[1]} or {RAW_HTML[0]} here; see <https://example.com>.",
            "mistakes": f"- Writing {RAW_HTML[2]} in a page.  \n- Breaking lines\\\nwith a backslash.\n\n"
                        f"{RAW_HTML[0]}\n\n![tracker](https://example.com/pixel.png)",
        })
    other = record("other", see_also=["special"])
    content = write_bank({"odd-topic": [special, other]}, subtitle="*Not* emphasis")
    # write_bank names topics after their ids; give this one a title and description that look like syntax.
    book = yaml.safe_load((content / "book.yaml").read_text(encoding="utf-8"))
    book["topics"] = [{"id": "odd-topic", "title": "Pipes | and <tags>", "description": "1. Not a list, - not a bullet"}]
    (content / "book.yaml").write_text(yaml.safe_dump(book), encoding="utf-8")
    return load_bank(content)


@pytest.mark.parametrize("flavor", FLAVORS)
def test_question_markdown_renders_and_its_other_characters_come_out_literally(
        special_bank: Bank, settings: Settings, flavor: Flavor) -> None:
    root = read_as(flavor, render(special_bank, settings, flavor=flavor))
    expected = f"1.1 {SPECIAL_SHOWN[flavor]}"
    question_heading = next(node for node in headings(root) if node.tag == "h3" and node.text == expected)
    markup = {"code", "del"} if flavor != "mkdocs" else {"code"}
    assert {child.tag for child in question_heading.children if isinstance(child, Node)} == markup
    assert [node.text for node in question_heading.iter() if node.tag == "code"] == ["h"]
    links = [link for link in fragment_links(root) if link.text == expected]
    assert len(links) == 2  # table of contents and see also
    assert all({child.tag for child in link.children if isinstance(child, Node)} == markup for link in links)
    assert all(anchors(root, flavor)[unquote(link.attrs["href"][1:])] is question_heading for link in links)
    paragraphs = [node.text for node in root.iter() if node.tag == "p"]
    assert "*Not* emphasis" in paragraphs
    assert "1. Not a list, - not a bullet" in paragraphs
    assert "1. Pipes | and <tags>" in [node.text for node in headings(root)]
    assert not [node for node in root.iter() if node.tag == "ol"]
    assert not [node for node in root.iter() if node.tag == "del" and node.text != "no"]


@pytest.mark.parametrize("flavor", FLAVORS)
def test_a_question_with_code_gets_a_heading_its_links_reach(write_bank: BankWriter, settings: Settings,
                                                           flavor: Flavor) -> None:
    question = "What is the difference between `call` and `bind`?"
    bank = load_bank(write_bank({"functions": [record("call-bind", question=question),
                                               record("other", see_also=["call-bind"])]}))
    root = read_as(flavor, render(bank, settings, flavor=flavor))
    heading = next(node for node in headings(root) if node.text == "1.1 What is the difference between call and bind?")
    assert [node.text for node in heading.iter() if node.tag == "code"] == ["call", "bind"]
    # GitHub and GitLab slug the rendered text, backticks gone; so does Python-Markdown, which writes the id.
    anchor = "11-what-is-the-difference-between-call-and-bind"
    assert anchors(root, flavor)[anchor] is heading
    to_it = [link for link in fragment_links(root) if link.attrs["href"] == f"#{anchor}"]
    assert len(to_it) == 2  # table of contents and see also
    assert all([node.text for node in link.iter() if node.tag == "code"] == ["call", "bind"] for link in to_it)
    assert_links_reach_their_headings(root, flavor)


@pytest.mark.parametrize("flavor", FLAVORS)
def test_prompt_is_shown_under_its_question(write_bank: BankWriter, settings: Settings, flavor: Flavor) -> None:
    prompt = "```js\nconsole.log(typeof null);\n```\n\n| value | `typeof` |\n|---|---|\n| `null` | ? |"
    question = "What is the output of the code below?"
    # A coding exercise: the same question as the next one, told apart by its prompt.
    exercise = record("typeof-null", question=question, prompt=prompt)
    other = record("typeof-nan", question=question, prompt="```js\nconsole.log(typeof NaN);\n```")
    bank = load_bank(write_bank({"javascript": [exercise, other]}))
    root = read_as(flavor, render(bank, settings, flavor=flavor))
    body = [node for node in root.children if isinstance(node, Node)]
    at = next(index for index, node in enumerate(body) if node.text == f"1.1 {question}")
    code, table, meta, short = body[at + 1:at + 5]
    assert (code.tag, code.text) == ("pre", "console.log(typeof null);\n")
    assert "language-js" in next(node for node in code.iter() if node.tag == "code").attrs.get("class", "")
    assert table.tag == "table" and [node.text for node in table.iter() if node.tag == "td"] == ["null", "?"]
    assert meta.text.startswith("medium")
    assert short.text == "Short answer of typeof-null."
    after = next(index for index, node in enumerate(body) if node.text == f"1.2 {question}")
    assert (body[after + 1].tag, body[after + 1].text) == ("pre", "console.log(typeof NaN);\n")


@pytest.mark.parametrize("flavor", FLAVORS)
def test_raw_html_in_answers_shows_as_text(special_bank: Bank, settings: Settings, flavor: Flavor) -> None:
    markdown = render(special_bank, settings, flavor=flavor)
    assert_no_raw_html(markdown)
    assert_no_hard_breaks(markdown)
    root = read_as(flavor, markdown)
    assert {node.tag for node in root.iter()} <= MARKUP  # no script, b, img, br
    assert not [node for node in elements(root) if any(name.startswith("on") for name in node.attrs)]
    text = root.text
    for snippet in RAW_HTML:
        assert snippet in text  # visible, spacing intact
    assert "x<y" in [node.text for node in root.iter() if node.tag == "code"]
    assert "when a < b, never" in text
    assert "https://example.com" in [node.attrs.get("href") for node in root.iter() if node.tag == "a"]
    assert "!tracker" in text  # images are not supported: shown as "!" and a link, like the other outputs


@pytest.mark.parametrize("flavor", FLAVORS)
def test_section_renders_as_its_markdown_means(flavor: Flavor) -> None:
    # What the author wrote, as CommonMark reads it, is what each wiki shows: MkDocs too, where the item's second
    # paragraph needs four spaces; indented code comes out fenced, which renders the same.
    source = ("Some *emphasis*, `<b>` in code and\n\n- a `List<String>` in a list\n- and **strong**\n\n"
              "```html\n<b>in a fence</b>\n```\n\n    <i>indented code</i>\n\n> a quote\n\n***\n\n"
              "3. three\n4. four\n\n   more about four\n\n## A heading\n\nA heading on\ntwo lines\n===\n\n"
              "[a link](https://example.com/a_(b))")
    assert shape(read_as(flavor, section(source, flavor))) == shape(gfm(source))


def shape(root: Node) -> list[tuple[str, str]]:
    """Every element and its text, attributes aside (Python-Markdown adds heading ids)."""
    return [(node.tag, squash(node.text)) for node in root.iter()]


@pytest.mark.parametrize("flavor", ["github", "gitlab"])
def test_emphasis_next_to_what_the_writer_replaced_shows_no_markers(flavor: Flavor) -> None:
    # In the source ")" or ">" stands before the marker; in the sheet the link's text or nothing does, and a marker
    # between a letter and punctuation, or "_" inside a word, would show as typed.
    source = "See [the docs](docs/x.md)_here_, ![i](u)*(1)* and x<sup>*(2)*</sup>."
    root = read_as(flavor, section(source, flavor))
    assert root.text.strip() == "See the docshere, !i(1) and x(2)."
    assert [node.tag for node in root.iter()] == ["#fragment", "p"]


@pytest.mark.parametrize("flavor", FLAVORS)
def test_tables_render_as_tables_with_their_cells(flavor: Flavor) -> None:
    source = ("| Method | Returns | Mutates? |\n|:--|:-:|--:|\n| `slice()` | a copy | no |\n"
              "| `a \\| b` | *either* \\| both | [docs](https://example.com/x\\|y) |\n| only one cell |")
    root = read_as(flavor, section(source, flavor))
    table = next(node for node in root.iter() if node.tag == "table")
    assert [node.text for node in table.iter() if node.tag == "th"] == ["Method", "Returns", "Mutates?"]
    cells = [node for node in table.iter() if node.tag == "td"]
    assert [node.text for node in cells] == ["slice()", "a copy", "no", "a | b", "either | both", "docs",
                                             "only one cell", "", ""]
    assert [node.text for node in table.iter() if node.tag == "code"] == ["slice()", "a | b"]
    assert [node.tag for node in cells[4].children if isinstance(node, Node)] == ["em"]
    assert [node.attrs["href"] for node in table.iter() if node.tag == "a"] == ["https://example.com/x%7Cy"]
    # cmark-gfm writes align="left", Python-Markdown style="text-align: left;"
    aligned = [node.attrs.get("align") or node.attrs.get("style", "").removeprefix("text-align: ").rstrip(";")
               for node in table.iter() if node.tag == "th"]
    assert aligned == ["left", "center", "right"]


@pytest.mark.parametrize("flavor", FLAVORS)
def test_safe_html_becomes_its_markdown_equivalent(flavor: Flavor) -> None:
    source = ("H<sub>2</sub>O and x<sup>2</sup>: press <kbd>Ctrl</kbd>+<kbd>C</kbd>, <mark>this</mark>, one<br/>two "
              "and <kbd onclick=alert(1)>this</kbd>.\n\n"
              "<details>\n<summary>Answer</summary>\n\nThe *answer*.\n\n</details>\n\n"
              "<details><summary>Why <code>x</code>?</summary>Because.</details>")
    written = section(source, flavor)
    assert_no_raw_html(written)
    root = read_as(flavor, written)
    assert {node.tag for node in root.iter()} <= MARKUP
    first, label, answer, last = [node for node in root.children if isinstance(node, Node)]
    # A tag with attributes is shown as typed; its closing tag is of the safe set, and goes.
    assert squash(first.text) == "H2O and x2: press Ctrl+C, this, one two and <kbd onclick=alert(1)>this."
    assert [node.text for node in first.iter() if node.tag == "code"] == ["Ctrl", "C"]
    assert (label.tag, [(node.tag, node.text) for node in label.children if isinstance(node, Node)]) \
        == ("p", [("strong", "Answer")])
    assert answer.text == "The answer." and [node.tag for node in answer.iter()] == ["p", "em"]
    assert [(node.tag, node.text) for node in last.children if isinstance(node, Node)] \
        == [("strong", "Why <code>x</code>?")]
    assert squash(last.text) == "Why <code>x</code>? Because."


def test_a_fence_left_open_is_closed(write_bank: BankWriter, settings: Settings) -> None:
    first = record("alpha", answer={"short": "```python\nprint('never closed')"})
    bank = load_bank(write_bank({"basics": [first, record("beta")]}))
    root = gfm(render(bank, settings))
    assert "1.2 What is beta?" in [node.text for node in headings(root)]


@pytest.mark.parametrize("source", [
    '[a](/u "t`") <u>x</u> `',  # the backtick in the link title opens no code span
    "- a `x\n<u>y</u>`",  # cmark starts an HTML block on the lazy line, markdown-it continues the item
    "``<u>`<u>`",  # Python-Markdown closes a shorter run inside the opening one
])
@pytest.mark.parametrize("flavor", FLAVORS)
def test_no_html_gets_through_where_code_spans_are_ambiguous(source: str, flavor: Flavor) -> None:
    result = section(source, flavor)
    assert_no_raw_html(result)
    root = read_as(flavor, result)
    assert {node.tag for node in root.iter()} <= MARKUP
    assert "<u>" in root.text  # visible, as typed: the writer picks fences no parser can pair otherwise


@pytest.mark.parametrize("flavor", FLAVORS)
def test_links_to_dangerous_schemes_are_shown_as_typed(flavor: Flavor) -> None:
    # The handbook and the deck (markdown-it) make no such link; GFM would, and Python-Markdown keeps it as is.
    source = ("[click](javascript:alert(1)), ![local](file:///etc/passwd), [ref] and [web](https://example.com)\n\n"
              "[ref]: data:text/html,x")
    root = read_as(flavor, section(source, flavor))
    assert [node.attrs.get("href") for node in root.iter() if node.tag == "a"] == ["https://example.com"]
    assert "[click](javascript:alert(1)), ![local](file:///etc/passwd), [ref] and web" in root.text


@pytest.mark.parametrize("flavor", FLAVORS)
def test_bare_url_next_to_raw_html_stays_text(flavor: Flavor) -> None:
    # GFM links a bare URL from the source up to the next space: an escaped "<" inside would show as "&lt;".
    source = "Before <style>body{background:url(https://evil.example/x.png)}</style> after."
    root = read_as(flavor, section(source, flavor))
    assert root.text.strip() == source
    assert {node.tag for node in root.iter()} == {"#fragment", "p"}


@pytest.mark.parametrize("flavor", FLAVORS)
def test_duplicate_headings_get_each_platforms_suffix(write_bank: BankWriter, settings: Settings,
                                                     flavor: Flavor) -> None:
    # A heading inside an answer takes the slug of a later question first; the question must get the suffix.
    first = record("alpha", answer={"short": "#### 12 What is beta\n\nAnd ## Contents:\n\n## Contents"})
    bank = load_bank(write_bank({"basics": [first, record("beta", see_also=["alpha"])]}, title="Contents"))
    markdown = render(bank, settings, flavor=flavor)
    expected_anchor = {"github": "12-what-is-beta-1", "gitlab": "12-what-is-beta-1",
                       "mkdocs": "12-what-is-beta_1"}[flavor]
    assert f"(#{expected_anchor})" in markdown
    assert_links_reach_their_headings(read_as(flavor, markdown), flavor)


def test_gitlab_references_in_plain_text_reach_gitlab_escaped() -> None:
    # GitLab links "@alice", "#12", "!3"... in text it renders, unless the character was backslash-escaped in the
    # source: its EscapedCharFilter.REFERENCE_CHARS lists these.
    text = "Ask @alice about #12, !3, &4, %v1, ~bug, $5 and ^x &amp; AT&T"
    markdown = escape_text(text, "gitlab")
    assert not re.search(r"(?<!\\)[$%#&@!~^]", markdown)
    assert [node.text for node in read_as("gitlab", markdown).iter() if node.tag == "p"] == [text]


# --- properties: whatever the text, the wiki shows it and nothing else -------------------------------------------

_PLAIN_PIECES = list("\\`*_[]()<>#+-.!|~$&;{}:/=@%^ \t\nab1\u00e9") + [
    "&amp;", "&#42;", "1.", "1)", "- ", "> ", "```", "    ", "www.", "http://x.y/a_b", "a_b@c.de", "]:", "<b>"]
_MARKDOWN_PIECES = [
    "<b>", "</b>", "<div>", "</div>", "<script>", "<!--", "-->", "<a href='`'>", "<img src=x onerror=y>", "<?php ?>",
    "`", "``", "```", "~~~", "\n", "\n\n", "    ", "  \n", "\\\n", "\\", "\\<", "- ", "> ", "1. ", "# ", "x", " ",
    "*", "_", "![i](u)", "&lt;", "| a |\n|---|\n", "|", "[x]: /u\n", '[a](/u "t`")', "<javascript:alert(1)>",
    "<https://a.b>", "www.a.com/", "http://a.b/", "---\n", "[", "]", "(", ")", "<", ">", "](javascript:x)",
    "](data:x)", "[r]: file:///x\n", "[r]",
    # what the writer turns into Markdown of its own: tables, the safe HTML, lists, fences, line starts
    "| `a\\|b` | :-: |\n|:--|--:|\n", "<kbd>", "</kbd>", "<sub>", "</sup>", "<br>", "<details>", "<summary>",
    "</summary>", "</details>", "<kbd onclick=x>", "~~", "1) ", "3. ", "* ", "+ ", "=", ":-:", "&#10;", "&#32;",
    "\t", "[x](https://a.b/(c)", "<mailto:x>", "<a@b.cd>", "!", "&", "{", "$", "@", "\n  - ", "\n   ",
    "- | a |\n  |-|\n"]


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(_PLAIN_PIECES), min_size=1, max_size=20).map("".join), st.sampled_from(FLAVORS))
def test_plain_text_is_shown_literally(text: str, flavor: Flavor) -> None:
    shown = re.sub(r"[ \t\n]+", " ", text).strip()  # a heading is one line; the model strips the ends
    if not shown:
        return
    markdown = escape_text(shown, flavor)
    root = read_as(flavor, f"### 1.1 {markdown}\n\n{markdown}\n\n- [{markdown}](#x)\n")
    assert [heading.text for heading in headings(root)] == [f"1.1 {shown}"]
    assert [node.text for node in root.iter() if node.tag == "p"] == [shown]
    assert [node.text for node in fragment_links(root)] == [shown]
    assert {node.tag for node in root.iter()} <= {"#fragment", "h3", "p", "ul", "li", "a"}


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(_MARKDOWN_PIECES), min_size=1, max_size=30).map("".join), st.sampled_from(FLAVORS))
def test_a_section_shows_its_text_and_carries_no_markup_of_its_own(source: str, flavor: Flavor) -> None:
    source = source.strip()  # as the records hold it
    if not source:
        return
    result = section(source, flavor)
    assert_no_raw_html(result)
    root = read_as(flavor, f"{result}\n\n### After\n")
    assert {node.tag for node in root.iter()} <= MARKUP  # no br either: no hard line break
    assert not [node for node in root.iter() if node.tag == "a" and not node.attrs.get("href", "").startswith(
        ("https:", "http:", "mailto:"))]
    assert headings(root)[-1].text == "After"  # nothing swallowed the rest of the sheet
    assert same_text(root.text, shown(parse(source), flavor) + "After", flavor)


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(_MARKDOWN_PIECES), min_size=1, max_size=20).map("".join), st.sampled_from(FLAVORS))
def test_a_question_shows_its_text_in_its_heading_and_the_links_to_it(question: str, flavor: Flavor) -> None:
    question = question.strip()
    if not question:
        return
    heading = f"1.1 {inline(question, flavor)}".rstrip()
    markdown = f"### {heading}\n\n- [{heading}](#x)\n"
    assert_no_raw_html(markdown)
    root = read_as(flavor, markdown)
    assert {node.tag for node in root.iter()} <= MARKUP
    (link,) = fragment_links(root)  # a question's own links are shown as their text...
    # ...but GFM links what looks like a mail address in any text: never to a script or a file
    assert not [node for node in root.iter() if node.tag == "a" and re.match(
        r"(?i)\s*(javascript|vbscript|data|file):", node.attrs["href"])]
    (title,) = headings(root)
    assert same_text(link.text, title.text, flavor)
    assert same_text(title.text, "1.1" + shown(parse_inline(question), flavor), flavor)


def shown(node: MdNode, flavor: Flavor) -> str:
    """What a reader should see of content Markdown: CommonMark's text, raw HTML as typed but for the safe tags,
    an image as "!" and its text, a strikethrough as typed where the wiki has none."""
    if node.name == "image":
        return "!" + "".join(shown(child, flavor) for child in node.children)
    if node.name == "strikethrough" and flavor == "mkdocs":
        return "~~" + "".join(shown(child, flavor) for child in node.children) + "~~"
    if node.name == "html_inline":  # one tag, comment or the like
        return "" if SAFE_TAG.fullmatch(str(node.meta["content"])) else str(node.meta["content"])
    if node.name == "html_block" or not node.children:
        return plain_text(node)
    return "".join(shown(child, flavor) for child in node.children)


def same_text(rendered: str, expected: str, flavor: Flavor) -> bool:
    """Equal but for white space and emphasis markers: where a marker's neighbours change (in a link's text, next
    to "]"), CommonMark may no longer pair it ("rule of 3"), and Python-Markdown pairs "*" and "_" its own way.
    test_plain_text_is_shown_literally checks that these characters in text are shown exactly."""
    ignored = r"[\s*_~]"
    return re.sub(ignored, "", rendered) == re.sub(ignored, "", expected)


# --- checks on the Markdown text itself -------------------------------------------------------------------------

_html_finder = MarkdownIt("commonmark", {"html": True}).enable("table")


def assert_no_raw_html(markdown: str) -> None:
    tokens = _html_finder.parse(markdown)
    for token in tokens:
        assert token.type != "html_block", token.content
        for child in token.children or ():
            assert child.type != "html_inline", child.content


def assert_no_hard_breaks(markdown: str) -> None:
    fence = ""  # the fence of the code block the line is in
    for line in markdown.split("\n"):
        marks = re.match(r"(?:[ >]|[-+*] |[0-9]+[.)] )*(`{3,}|~{3,})(.*)", line)  # in quotes and list items too
        if marks and not fence:
            fence = marks.group(1)
        elif marks and marks.group(1).startswith(fence) and not marks.group(2).strip():
            fence = ""
        elif not fence:
            backslashes = len(line) - len(line.rstrip("\\"))  # an even number is escaped backslashes
            assert not line.endswith("  ") and backslashes % 2 == 0, repr(line)
    assert not [node for node in gfm(markdown).iter() if node.tag == "br"]


def test_build_command_writes_the_sheet(tmp_path: Path, settings: Settings) -> None:
    from click.testing import CliRunner

    from prepbook.cli import main
    from tests.conftest import CONTENT

    result = CliRunner().invoke(main, ["build", "md", "--content", str(CONTENT), "--out", str(tmp_path),
                                       "--templates", str(settings.templates_dir), "--flavor", "gitlab",
                                       "--front-matter"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cheatsheet.md").read_text(encoding="utf-8").startswith("---\ntitle: ")
