"""Is this upload XML? Decided from the name or the first bytes, without lxml or reading it all.

``matcher.load`` asks this of every file, so it stays light: only an XML file pays for the
XML parser.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from matcher.read import Source

__all__ = ["head_text", "is_iati_source", "looks_like_xml"]

_XML_START = re.compile(rb"\s*<(\?xml[\s?]|iati-activit)")


def head_text(data: bytes, size: int = 2048) -> bytes:
    """The first bytes as ASCII-compatible bytes (UTF-16 with a byte-order mark decoded)."""
    head = data[: size * 2]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")[:size]
    return head[:size].removeprefix(b"\xef\xbb\xbf")


def looks_like_xml(data: bytes) -> bool:
    """True when the bytes start with an XML declaration or an IATI activities root element."""
    return _XML_START.match(head_text(data)) is not None


def is_iati_source(source: Source, filename: str | None = None) -> bool:
    """True for an ``.xml`` name or content that starts as XML; reads nothing it does not give back."""
    name = filename or (
        str(source) if isinstance(source, str | os.PathLike) else getattr(source, "name", "")
    )
    if isinstance(name, str) and name.lower().endswith(".xml"):
        return True
    if isinstance(source, bytes | bytearray):
        return looks_like_xml(bytes(source[:4096]))
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if not path.is_file():
            return False
        with path.open("rb") as handle:
            return looks_like_xml(handle.read(4096))
    if hasattr(source, "seek") and hasattr(source, "tell") and hasattr(source, "read"):
        try:
            start = source.tell()
            head = source.read(4096)
            source.seek(start)
        except (OSError, ValueError):
            return False
        return isinstance(head, bytes) and looks_like_xml(head)
    return False
