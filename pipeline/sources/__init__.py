"""Readers at the input edge: bytes of a page -> a Document with Blocks.

``detect_format`` decides text, html or pdf by the name's extension, else by sniffing the content;
``unpack`` opens a gzip wrapper, in steps and within a size limit (``decode.max_unpacked_bytes``).
Text and HTML readers exist; a PDF reader plugs in here.
"""
from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass

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


GZIP_MAGIC = b"\x1f\x8b"
UNPACK_CHUNK = 1 << 20  # bytes inflated per step: memory stays near what was unpacked so far


def unpack(data: bytes, name: str | None, max_bytes: int | None = None) -> bytes:
    """Gunzip data named ``*.gz`` or starting with the gzip magic number.

    Inflated in steps, so a gzip bomb is refused once it passes ``max_bytes`` (the rules' limit,
    ``decode.max_unpacked_bytes``) with at most that much held, never at its full size.
    """
    if not ((name and name.lower().endswith(".gz")) or data[:2] == GZIP_MAGIC):
        return data
    try:
        return _gunzip(data, max_bytes)
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceError(f"not a valid gzip file: {exc}") from None


def _gunzip(data: bytes, max_bytes: int | None) -> bytes:
    """The members of a gzip file, one after the other (as ``gzip.decompress``), within ``max_bytes``.

    Input goes in by slices too: zlib copies what follows a member's end into ``unused_data``, and
    a file of many small members must not have its whole rest copied once per member.
    """
    view = memoryview(data)
    out: list[bytes] = []
    size = pos = 0
    while pos < len(data):
        if view[pos:pos + 2] != GZIP_MAGIC:
            if not out and pos == 0:
                raise zlib.error("no gzip header")
            if not view[pos:].tobytes().strip(b"\x00"):  # zero padding after the last member
                break
            raise zlib.error("trailing garbage after the last member")
        inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)  # gzip header and trailer, CRC-32 checked
        while not inflate.eof:
            feed = inflate.unconsumed_tail
            if not feed:
                feed = view[pos:pos + UNPACK_CHUNK]
                pos += len(feed)
            chunk = inflate.decompress(feed, UNPACK_CHUNK)
            if not chunk and not feed:
                raise EOFError("compressed file ended before the end-of-stream marker was reached")
            size += len(chunk)
            if max_bytes is not None and size > max_bytes:
                raise SourceError(f"unpacks to more than {max_bytes} bytes, the limit set by "
                                  "decode.max_unpacked_bytes in the rules (a gzip bomb, or a page too large)")
            out.append(chunk)
        pos -= len(inflate.unused_data)
    return b"".join(out)


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


NAME = "read"  # the readers' section of rules.yaml


@dataclass(frozen=True)
class ReadRules:
    """The readers' limits and the wrap detection's settings (rules.yaml ``read:``)."""

    header_lines: int  # "Link: ..." field lines at the top of a dump are fields, never wrapped text
    wrap_max_width: int  # hard wrapping happens at terminal widths; longer lines were never wrapped
    wrap_min_width: int  # a narrower "width" is short lines (a list), not wrapping
    wrap_percentile: float  # the width is this percentile of the lengths of lines that go on
    wrap_near: float  # a wrapped line is at least this share of the width...
    wrap_min_share: float  # ...and at least this share of the lines that go on are
    wrap_min_lines: int  # fewer lines that go on say nothing about wrapping
    doctype_window: int  # a DOCTYPE comes first: it is looked for in the first characters only
    max_attributes: int  # attributes read per element (lxml's parse is quadratic in them)
    noscript_min_share: float  # <noscript> content is read when it holds this share of the body's text...
    noscript_min_chars: int  # ...and at least this many characters (less is a "turn on JavaScript" notice)


def compile(section: Mapping, where) -> ReadRules:
    count = lambda key, default, lo=1: where.integer(section, key, default, lo=lo)  # noqa: E731
    share = lambda key, default: where.number(section, key, default, lo=0, hi=1)  # noqa: E731
    cfg = ReadRules(
        header_lines=count("header_lines", 10, 0),
        wrap_max_width=count("wrap_max_width", 132),
        wrap_min_width=count("wrap_min_width", 40),
        wrap_percentile=share("wrap_percentile", 0.9),
        wrap_near=share("wrap_near", 0.7),
        wrap_min_share=share("wrap_min_share", 0.5),
        wrap_min_lines=count("wrap_min_lines", 3),
        doctype_window=count("doctype_window", 65536),
        max_attributes=count("max_attributes", 1000),
        noscript_min_share=share("noscript_min_share", 0.5),
        noscript_min_chars=count("noscript_min_chars", 200, 0),
    )
    if cfg.wrap_min_width > cfg.wrap_max_width:
        raise where.at("wrap_min_width").error(f"must not exceed wrap_max_width ({cfg.wrap_max_width})")
    return cfg


def read(doc: Document, cfg: ReadRules) -> Document:
    """Blocks for a decoded Document, by its format."""
    reader = READERS.get(doc.format)
    if reader is None:
        raise SourceError(f"{doc.format} pages are not supported yet (only: {', '.join(READERS)})")
    return reader(doc, cfg)
