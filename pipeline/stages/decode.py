"""decode: bytes -> text. BOM first, then strict UTF-8, then UTF-8 with stray Windows-1252 bytes
repaired (bs4's ``UnicodeDammit.detwingle``), then detection (charset-normalizer) for the rest.

Binary data and bytes no encoding explains are refused with a SourceError that says why; the
corpus runner names the file.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Mapping

from ..document import Document, PageWarning
from ..sources import SourceError

NAME = "decode"

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class DecodeRules:
    max_control_share: float = 0.05  # more C0 control bytes than this (NUL aside) is binary data
    max_chaos: float = 0.3  # charset-normalizer's mess ratio above which no encoding is believed
    max_mixed_share: float = 0.2  # share of the non-ASCII characters that may be stray 1252 bytes beside UTF-8
    cp1252_margin: float = 0.1  # Windows-1252 wins over a detected single-byte code page this close in chaos


def compile(section: Mapping, where) -> DecodeRules:
    return DecodeRules(
        max_control_share=where.number(section, "max_control_share", 0.05, lo=0, hi=1),
        max_chaos=where.number(section, "max_chaos", 0.3, lo=0, hi=1),
        max_mixed_share=where.number(section, "max_mixed_share", 0.2, lo=0, hi=1),
        cp1252_margin=where.number(section, "cp1252_margin", 0.1, lo=0, hi=1),
    )


def _control_share(data: bytes) -> float:
    sample = data[:65536]
    if not sample:
        return 0.0
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return controls / len(sample)


def decode_bytes(data: bytes, rules: DecodeRules) -> tuple[str, str, list[str]]:
    """(text, encoding name, notes) for the bytes of a page; raises SourceError where none fits."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding.replace("-sig", "")), encoding, []
            except UnicodeDecodeError as exc:
                raise SourceError(f"starts with a {encoding} byte-order mark but is not {encoding}: "
                                  f"{exc.reason} at byte {exc.start + len(bom)}") from None
    if b"\x00" in data[:65536] or _control_share(data) > rules.max_control_share:
        raise SourceError("binary data, not text (NUL or control bytes)")
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    from bs4 import UnicodeDammit

    multibyte, stray = _utf8_counts(data)
    if multibyte:
        fixed = UnicodeDammit.detwingle(data)
        try:
            text = fixed.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None and stray <= rules.max_mixed_share * (multibyte + stray):
            return text, "utf-8", ["mixed UTF-8 and Windows-1252 bytes; the Windows-1252 ones were converted"]
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is None or best.chaos > rules.max_chaos:
        raise SourceError("undecodable: not UTF-8, and no other encoding explains these bytes")
    text = str(best)
    # charset-normalizer guesses badly between Western code pages on short text (cp1257 for French,
    # cp1006 for 'Español'); Windows-1252, the web's Western default, wins where it reads the bytes
    # to the same text or nearly as cleanly
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and best.encoding != "cp1252":
        # charset-normalizer lists one of the code pages that give the same text: any of them counts
        close = (m for m in results if m.chaos <= best.chaos + rules.cp1252_margin)
        if any(m.encoding == "cp1252" or str(m) == western for m in close):
            return western, "windows-1252", []
    return text, encoding_label(best.encoding), []


def encoding_label(codec: str) -> str:
    """The usual label of a Python codec name: cp1252 -> windows-1252, latin_1 -> iso-8859-1."""
    name = codec.lower().replace("_", "-")
    if name.startswith("cp125") and name[5:].isdigit():
        return "windows-125" + name[5:]
    return {"latin-1": "iso-8859-1", "iso8859-1": "iso-8859-1"}.get(name, name)


UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
HIGH_BYTES = bytes(range(0x80, 0x100))


def _utf8_counts(data: bytes) -> tuple[int, int]:
    """(well-formed UTF-8 multibyte sequences, high bytes outside them) in the bytes."""
    sequences = UTF8_SEQUENCE.findall(data)
    high = len(data) - len(data.translate(None, HIGH_BYTES))
    return len(sequences), high - sum(len(seq) for seq in sequences)


def stage(doc: Document, rules) -> Document:
    text, encoding, notes = decode_bytes(doc.data, rules.stage(NAME))
    warnings = [PageWarning(NAME, "mixed-encoding", None, note) for note in notes]
    return doc.evolve(NAME, text=text, encoding=encoding, warnings=warnings)
