"""Exceptions with messages meant for the person who sent the file."""

from __future__ import annotations

__all__ = ["LifeWebMatchError", "UnreadableFileError"]


class LifeWebMatchError(Exception):
    """Base class: every error the package raises on purpose."""


class UnreadableFileError(LifeWebMatchError, ValueError):
    """The file as a whole cannot be read (encoding, format, size); no row was loaded."""
