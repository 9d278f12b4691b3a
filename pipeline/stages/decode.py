"""decode: bytes -> text. BOM first, then UTF-32/UTF-16 without a BOM (told by where the NUL bytes
fall, and accepted only if a strict decode gives text), then strict UTF-8, then UTF-8 with stray
Windows-1252 bytes repaired (bs4's ``UnicodeDammit.detwingle``), then detection (charset-normalizer)
for the rest.

Binary data and bytes no encoding explains are refused with a SourceError that says why; the
corpus runner names the file. A few stray control bytes (NUL included) do not make a page binary:
they stay in the decoded text, so every source offset is an offset into the text as it was
decoded, and the mojibake stage deletes them from blocks with a logged removal (``ftfy-deleted``).

A guess from few non-ASCII bytes is weak (charset-normalizer reads a short KOI8-R page as
Shift-JIS): such a page gets a ``weak-encoding-guess`` warning, and among the encodings that read
its bytes cleanly the one in whose reading most common words of some language appear is taken.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Mapping

import regex

from ..document import Document, PageWarning
from ..sources import SourceError

NAME = "decode"

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
SAMPLE = 65536  # bytes (or characters) looked at to judge a page
# C0 control bytes that text does not hold (tab, line feed, form feed, carriage return and escape aside)
CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27)) + b"\x7f"
WORD_EDGES = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~«»‘’‚“”„‹›…¡¿"  # punctuation around a word ("Это," "(see")
# characters a decoding that gives text does not produce: controls, unassigned, private use, surrogates
NOT_TEXT = regex.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f\p{Cn}\p{Co}\p{Cs}]")


@dataclass(frozen=True)
class DecodeRules:
    max_control_share: float = 0.05  # more C0 control bytes than this share (NUL included) is binary data
    max_chaos: float = 0.3  # charset-normalizer's mess ratio above which no encoding is believed
    max_mixed_share: float = 0.2  # share of the non-ASCII characters that may be stray 1252 bytes beside UTF-8
    cp1252_margin: float = 0.1  # Windows-1252 wins over a detected single-byte code page this close in chaos
    max_unpacked_bytes: int = 256 << 20  # a .gz page that unpacks to more is refused (a gzip bomb)
    min_wide_nul_share: float = 0.1  # UTF-16/32 without a BOM: share of NULs in the high-byte positions
    weak_guess_bytes: int = 100  # a detected encoding resting on fewer non-ASCII bytes is a weak guess
    weak_guess_encodings: tuple[str, ...] = ()  # also tried on a weak guess (charset-normalizer stops early)


def compile(section: Mapping, where) -> DecodeRules:
    rules = DecodeRules(
        max_control_share=where.number(section, "max_control_share", 0.05, lo=0, hi=1),
        max_chaos=where.number(section, "max_chaos", 0.3, lo=0, hi=1),
        max_mixed_share=where.number(section, "max_mixed_share", 0.2, lo=0, hi=1),
        cp1252_margin=where.number(section, "cp1252_margin", 0.1, lo=0, hi=1),
        max_unpacked_bytes=where.integer(section, "max_unpacked_bytes", 256 << 20, lo=1),
        min_wide_nul_share=where.number(section, "min_wide_nul_share", 0.1, lo=0, hi=1),
        weak_guess_bytes=where.integer(section, "weak_guess_bytes", 100, lo=1),
        weak_guess_encodings=tuple(where.get(section, "weak_guess_encodings", (list, tuple), ())),
    )
    for i, label in enumerate(rules.weak_guess_encodings):
        if not isinstance(label, str):
            raise where.at("weak_guess_encodings", i).error(f"expected an encoding name, got {type(label).__name__}")
        try:
            codecs.lookup(label)
        except LookupError:
            raise where.at("weak_guess_encodings", i).error(f"unknown encoding {label!r}") from None
    return rules


def _control_share(data: bytes) -> float:
    sample = data[:SAMPLE]
    if not sample:
        return 0.0
    return (len(sample) - len(sample.translate(None, CONTROL_BYTES))) / len(sample)


def _nul_shares(sample: bytes, width: int) -> list[float]:
    """The share of NUL bytes at each position modulo ``width``."""
    whole = len(sample) - len(sample) % width
    return [sample[i:whole:width].count(0) / max(1, whole // width) for i in range(width)]


def _wide_encoding(data: bytes, rules: DecodeRules) -> str | None:
    """UTF-32 or UTF-16 (LE or BE) when NUL bytes fall where that encoding puts the high bytes of
    ASCII and Latin characters, and (almost) never where it puts the low ones."""
    sample = data[:SAMPLE]
    if len(sample) < 4 or sample.count(0) < rules.min_wide_nul_share * len(sample) / 4:
        return None
    least = rules.min_wide_nul_share
    if len(data) % 4 == 0:
        n = _nul_shares(sample, 4)
        if min(n[2], n[3]) >= 0.9 and n[0] < 0.5 and n[1] >= least:
            return "utf-32-le"
        if min(n[0], n[1]) >= 0.9 and n[3] < 0.5 and n[2] >= least:
            return "utf-32-be"
    if len(data) % 2 == 0:
        even, odd = _nul_shares(sample, 2)
        if odd >= least and even <= odd / 10:
            return "utf-16-le"
        if even >= least and odd <= even / 10:
            return "utf-16-be"
    return None


def _decode_wide(data: bytes, rules: DecodeRules) -> tuple[str, str] | None:
    """(text, encoding) of UTF-32/UTF-16 bytes without a BOM, or None where the bytes are not that."""
    encoding = _wide_encoding(data, rules)
    if encoding is None:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    sample = text[:SAMPLE]
    if len(NOT_TEXT.findall(sample)) > rules.max_control_share * len(sample):
        return None
    return text, encoding


def decode_bytes(data: bytes, rules: DecodeRules) -> tuple[str, str, list[tuple[str, str]]]:
    """(text, encoding name, notes as (warning code, text)) for the bytes of a page; raises
    SourceError where no encoding fits."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding.replace("-sig", "")), encoding, []
            except UnicodeDecodeError as exc:
                raise SourceError(f"starts with a {encoding} byte-order mark but is not {encoding}: "
                                  f"{exc.reason} at byte {exc.start + len(bom)}") from None
    wide = _decode_wide(data, rules)
    if wide is not None:
        return wide[0], wide[1], []
    if _control_share(data) > rules.max_control_share:
        raise SourceError("binary data, not text (NUL or control bytes are "
                          f"{_control_share(data):.0%} of it, over decode.max_control_share)")
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
            return text, "utf-8", [("mixed-encoding",
                                    "mixed UTF-8 and Windows-1252 bytes; the Windows-1252 ones were converted")]
    return _detect(data, rules)


def _detect(data: bytes, rules: DecodeRules) -> tuple[str, str, list[tuple[str, str]]]:
    """Detection by charset-normalizer, with Windows-1252 preferred where it reads as well, and a
    second look (and a warning) where the guess rests on few bytes."""
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is None or best.chaos > rules.max_chaos:
        raise SourceError("undecodable: not UTF-8, and no other encoding explains these bytes")
    text, label = str(best), encoding_label(best.encoding)
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
            text, label = western, "windows-1252"
    evidence = len(data) - len(data.translate(None, HIGH_BYTES))
    if evidence >= rules.weak_guess_bytes:
        return text, label, []
    text, label = _second_look(data, text, label, [m.encoding for m in results], rules)
    return text, label, [("weak-encoding-guess",
                          f"encoding guessed as {label} from only {evidence} non-ASCII bytes: the guess is weak")]


def _second_look(data: bytes, text: str, label: str, found: list[str], rules: DecodeRules) -> tuple[str, str]:
    """(text, label) of the reading with the most common words of some language among the clean
    readings of a short page: the guess's own, charset-normalizer's other results, and the code
    pages in ``weak_guess_encodings``. A tie keeps the guess.

    Readings are compared on the few non-ASCII bytes with some ASCII around them (the only place
    where they differ), so that a large page with a handful of such bytes costs little."""
    from charset_normalizer.md import mess_ratio

    from ..textutil import stopword_lists

    common = frozenset().union(*stopword_lists().values())

    def hits(reading: str) -> int:
        # whole space-separated words: a wrong code page splits words at symbols, and the pieces
        # (single letters) must not count as words
        return sum(1 for token in reading.split() if token.strip(WORD_EDGES).lower() in common)

    sample = _around_non_ascii(data)
    try:
        guessed = sample.decode(label)
    except (UnicodeDecodeError, LookupError):
        return text, label
    best_hits, limit = hits(guessed), mess_ratio(guessed) + rules.cp1252_margin
    best_name = None
    seen = {codecs.lookup(label).name}
    for encoding in [*found, *rules.weak_guess_encodings]:
        name = codecs.lookup(encoding).name
        if name in seen:
            continue
        seen.add(name)
        try:
            reading = sample.decode(name)
        except UnicodeDecodeError:
            continue
        score = hits(reading)
        if score > best_hits and mess_ratio(reading) <= limit:
            best_name, best_hits = name, score
    if best_name is not None:
        try:
            return data.decode(best_name), encoding_label(best_name)
        except UnicodeDecodeError:
            pass
    return text, label


HIGH_RUN = re.compile(rb"[\x80-\xff]+")


def _around_non_ascii(data: bytes, context: int = 80) -> bytes:
    """The runs of non-ASCII bytes with up to ``context`` bytes around each, cut on ASCII bytes
    (a multibyte reading must not start inside a character) and joined by line feeds."""
    spans: list[tuple[int, int]] = []
    for m in HIGH_RUN.finditer(data):
        a, b = max(0, m.start() - context), min(len(data), m.end() + context)
        while a < m.start() and data[a] >= 0x80:
            a += 1
        while b > m.end() and data[b - 1] >= 0x80:
            b -= 1
        if spans and a <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(b, spans[-1][1]))
        else:
            spans.append((a, b))
    return b"\n".join(data[a:b] for a, b in spans)


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
    warnings = [PageWarning(NAME, code, None, note) for code, note in notes]
    return doc.evolve(NAME, text=text, encoding=encoding, warnings=warnings)
