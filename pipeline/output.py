"""The JSON form of a cleaned Document (schema ``scraped-text-clean/1``) and atomic writing."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from .document import Document

SCHEMA_ID = "scraped-text-clean/1"
SCHEMA_FILE = Path(__file__).resolve().parent / "schema" / "scraped-text-clean-1.schema.json"
META_KEYS = ("description", "keywords", "published", "modified", "reviewed", "copyright")


def page_id(name: str | None) -> str:
    """The stem of a page's file name: ``a/b/x.html.gz`` -> ``x``."""
    if not name:
        return "page"
    return file_stem(os.path.basename(name.replace("\\", "/")))


def file_stem(base: str) -> str:
    """One file name without its extension (and a ``.gz`` before it): ``x.html.gz`` -> ``x``.
    ``base`` is taken whole, slashes and backslashes included: the caller splits paths."""
    if base.lower().endswith(".gz"):
        base = base[:-3]
    stem, dot, _ = base.rpartition(".")
    return stem if dot and stem else base


def to_json(doc: Document, raw: bytes, *, version: str, rules_sha256: str) -> dict:
    """The dict the CLI writes for a page. ``raw`` are the bytes as given (before any gunzip)."""
    meta = {k: doc.meta.get(k) for k in META_KEYS}
    meta.update({k: doc.meta[k] for k in sorted(doc.meta) if k not in META_KEYS})
    sections = []
    chars_out = 0
    for s in doc.sections:
        text = s.text
        chars_out += len(text) + (len(s.heading.text) if s.heading else 0)
        span = s.span
        blocks = ([s.heading] if s.heading else []) + list(s.blocks)
        sections.append({
            "id": s.id,
            "heading": s.heading.text if s.heading else None,
            "level": s.level,
            "path": list(s.path),
            "role": s.role,
            "text": text,
            "blocks": [b.to_json() for b in blocks],
            "source": span.to_json() if span else {"chars": None, "lines": [0, 0]},
        })
    removed = doc.removed  # built from the labels and the cuts: once
    by_rule = Counter(r.rule for r in removed)
    return {
        "schema": SCHEMA_ID,
        "id": page_id(doc.name),
        "source": {
            "path": doc.name,
            "sha256": hashlib.sha256(raw).hexdigest(),
            "bytes": len(raw),
            "format": doc.format,
            "encoding": doc.encoding,
            "language": doc.language,
            "url": doc.url,
            "title": doc.title,
            "meta": meta,
        },
        "pipeline": {"version": version, "rules_sha256": rules_sha256, "stages": list(doc.stages)},
        "sections": sections,
        "removed": [r.to_json() for r in removed],
        "warnings": [w.to_json() for w in doc.warnings],
        "stats": {
            "chars_in": len(doc.text),
            "chars_out": chars_out,
            "sections": len(sections),
            "removed_by_rule": dict(sorted(by_rule.items())),
        },
    }


# One-line records are encoded by the C encoder (json's indenting encoder is pure Python and took
# most of the output time on large pages); the layout around them is written here.
_INLINE_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), allow_nan=False, check_circular=False)
_STR = json.encoder.encode_basestring
if json.encoder.c_make_encoder is not None:
    # made once: JSONEncoder.encode builds a new C encoder on every call, which cost more than the
    # encoding itself for the many small records of a large page
    _C_INLINE = json.encoder.c_make_encoder(None, _INLINE_ENCODER.default, _STR, None, ": ", ", ",
                                            False, False, False)

    def _inline(value: object) -> str:
        return "".join(_C_INLINE(value, 0))
else:  # pragma: no cover - Python builds without the C accelerator
    _inline = _INLINE_ENCODER.encode


def _has_records(value: list) -> bool:
    for v in value:
        if isinstance(v, dict):
            return True
    return False


def _spread(value: object, depth: int) -> bool:
    """Whether ``value`` is written over lines: the page object and its members, a list of records
    (sections, blocks, removed) and an object holding one; every other value is one line."""
    if isinstance(value, dict):
        if not value:
            return False
        if depth <= 1:
            return True
        for item in value.values():
            if isinstance(item, list) and _has_records(item):
                return True
        return False
    if isinstance(value, list):
        return bool(value) and (depth <= 1 or _has_records(value))
    return False


RECORDS_PER_PIECE = 256  # one-line records joined into one piece of iter_dumps: fewer, still small


def _layout(value: object, depth: int) -> Iterator[str]:
    # one block, one removal, one warning, one manifest row per line
    if not _spread(value, depth):
        yield _inline(value)
        return
    pad = "\n" + " " * (depth + 1)
    sep = pad  # before the first member; "," + pad before the others
    if isinstance(value, dict):
        yield "{"
        for key, item in value.items():
            yield sep + _STR(str(key)) + ": "
            yield from _layout(item, depth + 1)
            sep = "," + pad
        yield "\n" + " " * depth + "}"
        return
    yield "["
    lines: list[str] = []  # one-line records not yet yielded, with what goes before each
    for item in value:
        if _spread(item, depth + 1):
            if lines:
                yield "".join(lines)
                lines = []
            yield sep
            yield from _layout(item, depth + 1)
        else:
            lines.append(sep)
            lines.append(_inline(item))
            if len(lines) >= 2 * RECORDS_PER_PIECE:
                yield "".join(lines)
                lines = []
        sep = "," + pad
    if lines:
        yield "".join(lines)
    yield "\n" + " " * depth + "]"


def iter_dumps(page: dict) -> Iterator[str]:
    """The pieces of ``dumps(page)``, for writing a large page without building one huge string."""
    yield from _layout(page, 0)
    yield "\n"


def dumps(page: dict) -> str:
    """Deterministic JSON text of a page (same dict, same bytes): one record (block, removal,
    warning, manifest row) per line, so that diffs of golden files read line by line."""
    return "".join(iter_dumps(page))


@lru_cache(maxsize=1)
def _umask() -> int:
    # os.umask can only be read by setting it; read it once, before any worker threads could race
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Write ``text`` (a string or string pieces) to ``path`` so that readers see the old file or
    the new one, never a part; on any failure the old file stays and no temporary file is left."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates the file 0600; give it the mode a plainly created file would have
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            if isinstance(text, str):
                fh.write(text)
            else:
                for piece in text:
                    fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def remove_partial_writes(path: Path) -> list[Path]:
    """Remove the temporary files that ``write_atomic(path, ...)`` leaves when its process is killed
    outright (SIGKILL, out of memory) in the middle of a write; returns those removed."""
    path = Path(path)
    prefix = "." + path.name + "."
    removed = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        # mkstemp's names: the prefix, 8 random characters, the suffix; nothing else matches
        if entry.name.startswith(prefix) and entry.name.endswith(".tmp") \
                and len(entry.name) == len(prefix) + 8 + len(".tmp") and entry.is_file(follow_symlinks=False):
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


def is_page_output(path: Path) -> bool:
    """Whether ``path`` is a regular file (not a link) that this tool wrote: a page's JSON starts with
    the schema line. Used before deleting an output, so that a user's own file is never removed."""
    head = ("{\n " + _STR("schema") + ": " + _STR(SCHEMA_ID)).encode("utf-8")
    try:
        if Path(path).is_symlink() or not Path(path).is_file():
            return False
        with open(path, "rb") as fh:
            return fh.read(len(head)) == head
    except OSError:
        return False


def load_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a page's JSON."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
