"""The decoded source text that a page's character spans index into.

Decoded exactly as the pipeline decodes a page (``sources.unpack``, then the decode stage's
``decode_bytes`` with the same rules), and checked against what the JSON says of it (the bytes'
sha256, the text's length): a source edited since the run would put every mark in the wrong place,
so it is not used.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable, Mapping

from .. import sources
from ..rules import Rules
from ..stages import decode


def find_source(page: Mapping, roots: Iterable[Path]) -> Path | None:
    """The file ``source.path`` names: as given (absolute, or relative to the current folder),
    else relative to each of ``roots`` in turn (the folder the run was started in is usually the
    clean folder's parent)."""
    path = (page.get("source") or {}).get("path")
    if not path:
        return None
    candidates = [Path(path)] + ([] if os.path.isabs(path) else [Path(root) / path for root in roots])
    for c in candidates:
        try:
            if c.is_file():
                return c
        except OSError:
            continue
    return None


def decoded_text(data: bytes, name: str | None, rules: Rules) -> str:
    """The text the pipeline reads from these bytes (gzip unpacked, then decoded)."""
    settings = rules.stage(decode.NAME)
    raw = sources.unpack(data, name, settings.max_unpacked_bytes)
    return decode.decode_bytes(raw, settings)[0]


def source_text(page: Mapping, roots: Iterable[Path], rules: Rules) -> tuple[str | None, str | None]:
    """(decoded source text, None) for a page whose source is found unchanged; else (None, why)."""
    source = page.get("source") or {}
    found = find_source(page, roots)
    if found is None:
        return None, f"source file {source.get('path')!r} not found: kept blocks and removals are listed without it"
    try:
        data = found.read_bytes()
    except OSError as exc:
        return None, f"source file {found} cannot be read ({exc.strerror or exc}): kept blocks and removals are listed"
    if source.get("sha256") and hashlib.sha256(data).hexdigest() != source["sha256"]:
        return None, f"source file {found} changed since it was cleaned: kept blocks and removals are listed without it"
    try:
        text = decoded_text(data, source.get("path"), rules)
    except sources.SourceError as exc:
        return None, f"source file {found} cannot be decoded ({exc})"
    chars_in = (page.get("stats") or {}).get("chars_in")
    if chars_in is not None and chars_in != len(text):
        return None, (f"source file {found} decodes to {len(text)} characters, the run read {chars_in} "
                      "(other rules?): kept blocks and removals are listed without it")
    return text, None
