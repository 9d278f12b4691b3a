"""Readers at the input edge: bytes of a page -> a Document with Blocks.

``detect_format`` decides text, html or pdf by the name's extension, else by sniffing the content;
``unpack`` opens a gzip wrapper. Only the text reader exists yet; HTML and PDF readers plug in here.
"""
from __future__ import annotations

import gzip
import zlib

from ..document import Document
from . import html, text

FORMATS = ("text", "html", "pdf")
EXTENSIONS = {".txt": "text", ".md": "text", ".markdown": "text", ".text": "text",
              ".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf"}
READERS = {"text": text.read, "html": html.read}


class SourceError(Exception):
    """The page cannot be read (binary, undecodable, unsupported format); says why."""


def strip_gz(name: str | None) -> str | None:
    return name[:-3] if name and name.lower().endswith(".gz") else name


def unpack(data: bytes, name: str | None) -> bytes:
    """Gunzip data named ``*.gz`` or starting with the gzip magic number."""
    if (name and name.lower().endswith(".gz")) or data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise SourceError(f"not a valid gzip file: {exc}") from None
    return data


def detect_format(data: bytes, name: str | None) -> str:
    """Format by extension (after a trailing .gz), else by sniffing the first bytes."""
    base = strip_gz(name) or ""
    dot = base.rfind(".")
    if dot >= 0 and base[dot:].lower() in EXTENSIONS:
        return EXTENSIONS[base[dot:].lower()]
    head = data[:1024].lstrip().lower()
    if head.startswith(b"%pdf-"):
        return "pdf"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head or b"<head" in head:
        return "html"
    return "text"


def read(doc: Document) -> Document:
    """Blocks for a decoded Document, by its format."""
    reader = READERS.get(doc.format)
    if reader is None:
        raise SourceError(f"{doc.format} pages are not supported yet (only: {', '.join(READERS)})")
    return reader(doc)
