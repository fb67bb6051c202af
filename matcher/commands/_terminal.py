"""What the commands print is safe for a terminal: no escape sequence from a file runs.

File contents reach the screen through ids, titles, header names and reasons. A cell holding
``ESC [ 2 J`` would clear the screen, a carriage return would overwrite the line, an
8-bit CSI or a bidirectional override would disguise what is shown. :class:`SafeStream`
writes every such character as a visible ``\\uXXXX`` escape, which is also a valid JSON
escape, so ``--json`` output stays parseable. Line feeds and tabs pass.
"""

from __future__ import annotations

import re
from typing import Any, Final, TextIO

__all__ = ["SafeStream", "terminal_safe"]

_UNSAFE: Final = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def terminal_safe(text: str) -> str:
    """``text`` with control, 8-bit control and bidi-override characters as ``\\uXXXX``."""
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


class SafeStream:
    """A text stream that passes everything it is given through :func:`terminal_safe`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(terminal_safe(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
