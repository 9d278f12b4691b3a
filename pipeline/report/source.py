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
from ..sources import html as html_reader
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


def _decoded(page: Mapping, roots: Iterable[Path], rules: Rules, found: Path | None = None
             ) -> tuple[str | None, str | None]:
    """(the decoded text of the page's source file, None) when it is found and unchanged, else
    (None, why not)."""
    source = page.get("source") or {}
    found = found or find_source(page, roots)
    if found is None:
        return None, f"source file {source.get('path')!r} not found: kept blocks and removals are listed without it"
    try:
        data = found.read_bytes()
    except OSError as exc:
        return None, f"source file {found} cannot be read ({exc.strerror or exc}): kept blocks and removals are listed"
    if source.get("sha256") and hashlib.sha256(data).hexdigest() != source["sha256"]:
        return None, f"source file {found} changed since it was cleaned: kept blocks and removals are listed without it"
    try:
        return decoded_text(data, source.get("path"), rules), None
    except sources.SourceError as exc:
        return None, f"source file {found} cannot be decoded ({exc})"


def element_order(html_text: str) -> dict[str, int]:
    """{XPath: position in document order} of every element of an HTML page, parsed by the HTML
    reader's own ``parse`` (its XPaths are lxml's getpath form). The JSON's lines cannot order the
    elements of a page written on one line; this can."""
    root, _ = html_reader.parse(html_text)
    if root is None:
        return {}
    tree = root.getroottree()
    return {tree.getpath(el): i for i, el in enumerate(root.iter()) if isinstance(el.tag, str)}


def source_text(page: Mapping, roots: Iterable[Path], rules: Rules) -> tuple[str | None, str | None]:
    """(decoded source text, None) for a page whose source is found unchanged; else (None, why)."""
    found = find_source(page, roots)
    text, note = _decoded(page, roots, rules, found)
    if text is None:
        return None, note
    chars_in = (page.get("stats") or {}).get("chars_in")
    if chars_in is not None and chars_in != len(text):
        return None, (f"source file {found} decodes to {len(text)} characters, the run read {chars_in} "
                      "(other rules?): kept blocks and removals are listed without it")
    return text, None
