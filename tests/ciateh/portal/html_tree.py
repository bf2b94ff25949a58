"""A small DOM of a served page, built with the standard library's HTMLParser, for the tests that
read published numbers back out of the HTML (``published.py`` for the Bureau, ``cell_pages.py`` for
the Cell). ``parse_html(html, node_type)`` builds the tree with ``node_type`` nodes, so a reader may
refine how text is joined or how ``find`` matches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def has_class(self, name: str) -> bool:
        return name in self.classes()

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        """Every node (this one included) of ``tag`` with class ``cls`` and the attributes (``_`` in a
        name stands for ``-``: ``data_key="x"`` matches ``data-key="x"``)."""
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or n.has_class(cls))
            and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        """The first match; an assertion error when there is none."""
        found = self.find_all(tag, cls, **attrs)
        if not found:
            raise AssertionError(f"no <{tag} class={cls} {attrs}> in the page")
        return found[0]


class _Builder(HTMLParser):
    def __init__(self, node_type: type[Node]) -> None:
        super().__init__(convert_charrefs=True)
        self.node_type = node_type
        self.root = node_type("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = self.node_type(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(self.node_type(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str, node_type: type[Node] = Node) -> Node:
    builder = _Builder(node_type)
    builder.feed(html)
    builder.close()
    return builder.root
