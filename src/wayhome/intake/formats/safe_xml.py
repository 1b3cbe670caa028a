"""Safe XML reading: no DTDs, entities or external references, and line numbers kept.

Uses defusedxml's parser (entity expansion and external entities are refused with a clear
error), builds a small tree whose nodes remember the line they start on, and checks the
byte encoding first so a non-UTF-8 file without a declaration is named at the bad byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from wayhome.errors import InvalidInput

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


@dataclass(slots=True)
class XmlNode:
    """An XML element: local tag name, attributes, text, children and its line number."""

    tag: str
    attributes: dict[str, str]
    line: int
    text: str = ""
    children: list[XmlNode] = field(default_factory=list)

    def child(self, tag: str) -> XmlNode | None:
        """The first child with this tag, if any."""
        return next((c for c in self.children if c.tag == tag), None)

    def text_of(self, tag: str) -> str | None:
        """Stripped text of the first child with this tag, None when absent or empty."""
        node = self.child(tag)
        return node.text.strip() or None if node is not None else None


class _Builder:
    """Parser target that builds `XmlNode`s and records line numbers."""

    def __init__(self) -> None:
        self.parser: DefusedXMLParser | None = None
        self.stack: list[XmlNode] = []
        self.root: XmlNode | None = None

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        line = self.parser.parser.CurrentLineNumber if self.parser is not None else 0
        node = XmlNode(tag=tag.rsplit("}", 1)[-1], attributes=dict(attributes), line=line)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def end(self, tag: str) -> None:
        self.stack.pop()

    def data(self, text: str) -> None:
        if self.stack:
            self.stack[-1].text += text

    def close(self) -> XmlNode | None:
        return self.root


def _check_encoding(data: bytes) -> None:
    declared = _DECLARATION.match(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        data.decode(encoding)
    except LookupError:
        raise InvalidInput(
            f"declared encoding {encoding!r} is unknown", location="line 1 (XML declaration)"
        ) from None
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"bytes are not valid {encoding} (byte 0x{data[error.start]:02x})",
            location=f"byte {error.start}",
        ) from None


def parse_xml(data: bytes) -> XmlNode:
    """The root node of an XML document, or `InvalidInput` naming the line and column."""
    _check_encoding(data)
    builder = _Builder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as error:
        raise InvalidInput(
            f"XML with a DTD, entities or external references is refused ({type(error).__name__})",
            location=_where(parser),
        ) from None
    except ParseError as error:
        line, column = error.position
        raise InvalidInput(
            f"XML is not well-formed: {str(error).rsplit(': line', 1)[0]}",
            location=f"line {line}, column {column}",
        ) from None
    if not isinstance(root, XmlNode):
        raise InvalidInput("XML document has no root element", location="line 1")
    return root


def _where(parser: DefusedXMLParser) -> str:
    try:
        return f"line {parser.parser.CurrentLineNumber}"
    except AttributeError:
        return "XML prolog"
