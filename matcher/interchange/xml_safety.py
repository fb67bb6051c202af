"""Parsing XML that came from outside: entities and network off, hostile files refused.

An IATI file never declares entities or a DTD. A file that does is either a mistake or an
attack (a "billion laughs" bomb that expands to gigabytes, an external entity that reads
``/etc/passwd`` or calls a URL), so it is refused before anything is read from it, with a
message saying why. Parsing itself runs with entity resolution, DTD loading and network
access off, so even a declaration this check missed is never acted on.
"""

from __future__ import annotations

import re

from lxml import etree

from matcher.errors import UnreadableFileError
from matcher.interchange.sniff import head_text as _head_text

__all__ = ["parse_untrusted_xml"]

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


def parse_untrusted_xml(data: bytes) -> etree._Element:
    """The root element of ``data``, parsed with entities, DTDs and network access off.

    Raises
    ------
    UnreadableFileError
        The file declares entities or an external DTD (refused, nothing parsed further), or
        it is not well-formed XML (the message names the line).
    """
    if _DECLARES_ENTITY.search(data) or _DECLARES_ENTITY.search(_head_text(data, 1 << 20)):
        raise UnreadableFileError(_HOSTILE)
    if _EXTERNAL_DTD.search(_head_text(data, 1 << 16)):
        raise UnreadableFileError(_EXTERNAL)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        collect_ids=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line = f" (line {error.lineno})" if getattr(error, "lineno", None) else ""
        message = str(error.msg or error).split(", line ")[0]
        raise UnreadableFileError(f"The XML is broken{line}: {message}") from None
    if root is None:
        raise UnreadableFileError("The file holds no XML element")
    info = root.getroottree().docinfo
    dtd = info.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise UnreadableFileError(_HOSTILE)
    if info.system_url or info.public_id:
        raise UnreadableFileError(_EXTERNAL)
    return root
