"""Parsing XML that came from outside: entities and network off, hostile files refused.

An IATI file never declares entities or a DTD. A file that does is either a mistake or an
attack (a "billion laughs" bomb that expands to gigabytes, an external entity that reads
``/etc/passwd`` or calls a URL), so it is refused before anything is read from it, with a
message saying why. Parsing itself runs with entity resolution, DTD loading and network
access off, so even a declaration this check missed is never acted on.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator

from lxml import etree

from matcher.errors import UnreadableFileError
from matcher.interchange.sniff import head_text as _head_text

__all__ = ["iter_untrusted_children", "parse_untrusted_xml"]

_DECLARES_ENTITY = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
_EXTERNAL_DTD = re.compile(rb"<!DOCTYPE[^>\[]*\s(SYSTEM|PUBLIC)\s", re.IGNORECASE)


_HOSTILE = (
    "Refused for safety: the file declares XML entities (<!ENTITY ...>). IATI files never do; "
    "entities are how an XML bomb ('billion laughs') expands to gigabytes or an 'external "
    "entity' reads files on this computer. Nothing was read. If the file is genuine, remove "
    "its <!DOCTYPE ...> block and load it again."
)
_EXTERNAL = (
    "Refused for safety: the file refers to an external DTD (<!DOCTYPE ... SYSTEM/PUBLIC>), "
    "which would make the reader fetch another file or URL. IATI files never need one. "
    "Nothing was read; remove the <!DOCTYPE ...> line and load it again."
)


def _refuse_hostile_bytes(data: bytes) -> None:
    """Refuse entity declarations and external DTDs before the parser sees a byte."""
    if _DECLARES_ENTITY.search(data) or _DECLARES_ENTITY.search(_head_text(data, 1 << 20)):
        raise UnreadableFileError(_HOSTILE)
    if _EXTERNAL_DTD.search(_head_text(data, 1 << 16)):
        raise UnreadableFileError(_EXTERNAL)


def _refuse_hostile_tree(root: etree._Element) -> None:
    """The same checks on what the parser read (a declaration the byte scan could not see)."""
    info = root.getroottree().docinfo
    dtd = info.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise UnreadableFileError(_HOSTILE)
    if info.system_url or info.public_id:
        raise UnreadableFileError(_EXTERNAL)


_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_pis": True,
}


def _syntax_error(error: etree.XMLSyntaxError) -> UnreadableFileError:
    line = f" (line {error.lineno})" if getattr(error, "lineno", None) else ""
    message = str(error.msg or error).split(", line ")[0]
    return UnreadableFileError(f"The XML is broken{line}: {message}")


def parse_untrusted_xml(data: bytes) -> etree._Element:
    """The root element of ``data``, parsed with entities, DTDs and network access off.

    Raises
    ------
    UnreadableFileError
        The file declares entities or an external DTD (refused, nothing parsed further), or
        it is not well-formed XML (the message names the line).
    """
    _refuse_hostile_bytes(data)
    parser = etree.XMLParser(collect_ids=False, **_PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise _syntax_error(error) from None
    if root is None:
        raise UnreadableFileError("The file holds no XML element")
    _refuse_hostile_tree(root)
    return root


def iter_untrusted_children(
    data: bytes, check_root: Callable[[etree._Element], bool]
) -> Iterator[tuple[etree._Element, etree._Element]]:
    """(root, element) for each child of the root as soon as it is parsed, then freed.

    A large file is never held as a whole tree: each child is cleared once the caller has
    read it. ``check_root`` sees the root when it opens (raise to refuse the file) and says
    whether the root itself is the one element to yield (a file of a single activity).
    """
    _refuse_hostile_bytes(data)
    context = etree.iterparse(io.BytesIO(data), events=("start", "end"), **_PARSER_OPTIONS)
    root: etree._Element | None = None
    root_is_item = False
    depth = 0
    try:
        for event, element in context:
            if event == "start":
                if root is None:
                    root = element
                    _refuse_hostile_tree(root)
                    root_is_item = check_root(root)
                depth += 1
                continue
            depth -= 1
            if root_is_item:
                if depth == 0:
                    yield root, root
            elif depth == 1:
                yield root, element
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del root[0]
    except etree.XMLSyntaxError as error:
        raise _syntax_error(error) from None
    if root is None:
        raise UnreadableFileError("The file holds no XML element")
