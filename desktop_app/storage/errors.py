"""Typed errors of the document layer; each message is one line a user can act on."""

from __future__ import annotations


class DocumentError(Exception):
    """Base of every document failure; ``str(error)`` is the user-facing reason."""


class DocumentMissing(DocumentError):
    """The file does not exist (or is not a regular file)."""


class NotAnAtlasFile(DocumentError):
    """Not SQLite at all, or an SQLite database of another application."""


class CorruptDocument(DocumentError):
    """A Compute Atlas file that is truncated or damaged."""


class NewerVersion(DocumentError):
    """Written by a newer Compute Atlas whose schema this version cannot read."""


class DocumentLocked(DocumentError):
    """Another process has the document open for writing."""


class SaveFailed(DocumentError):
    """The save did not complete; the previous file is untouched."""
