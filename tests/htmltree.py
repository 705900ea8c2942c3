"""HTML read back the way a browser reads it, for tests: a tree of elements with their attributes and text."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Elements that never have content or an end tag: anything after one is its sibling, not its child.
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                  "wbr"})


@dataclass
class Element:
    tag: str
    # Every attribute as written, duplicates included, so a test can check each one; a bare attribute has "".
    attributes: list[tuple[str, str]] = field(default_factory=list)
    children: list[Element | str] = field(default_factory=list)

    @property
    def attrs(self) -> dict[str, str]:
        """Attribute name → value; of duplicates, the first, which is the one a browser uses."""
        first: dict[str, str] = {}
        for name, value in self.attributes:
            first.setdefault(name, value)
        return first

    @property
    def text(self) -> str:
        """All the text inside, character references decoded, whitespace as written."""
        return "".join(child if isinstance(child, str) else child.text for child in self.children)

    def elements(self) -> list[Element]:
        """Every element inside this one, in document order."""
        found: list[Element] = []
        for child in self.children:
            if isinstance(child, Element):
                found.append(child)
                found.extend(child.elements())
        return found

    def iter(self) -> list[Element]:
        """This element and every element inside it, in document order."""
        return [self, *self.elements()]

    def find_all(self, *tags: str) -> list[Element]:
        return [element for element in self.elements() if element.tag in tags]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#fragment")
        self._open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, [(name, value or "") for name, value in attrs])
        self._open[-1].children.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        # An end tag closes its element and any left open inside it; one with no open element is ignored.
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)


def parse_html(fragment: str) -> Element:
    """The fragment's elements and text under one root element, tagged "#fragment"."""
    builder = _TreeBuilder()
    builder.feed(fragment)
    builder.close()
    return builder.root
