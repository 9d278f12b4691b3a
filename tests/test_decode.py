"""decode stage: bytes -> text by BOM, strict UTF-8, repaired mixed UTF-8/Windows-1252, detection;
binary and undecodable bytes are refused with a reason."""
from __future__ import annotations

import codecs
import random

import pytest

import pipeline
from pipeline import SourceError
from pipeline.stages.decode import DecodeRules, decode_bytes

RULES = DecodeRules()
TEXT = "Naïve café – “résumé” of the Größe, £5, © 2020.\n"
WESTERN = "Le café est très “bon” – n’est-ce pas? À bientôt, garçon. Déjà vu.\n"


def same_codec(a: str, b: str) -> bool:
    return codecs.lookup(a).name == codecs.lookup(b).name


@pytest.mark.parametrize("bom, codec", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                                        (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_byte_order_mark_decides_the_encoding_and_is_not_text(bom, codec):
    text, encoding, notes = decode_bytes(bom + TEXT.encode(codec), RULES)
    assert text == TEXT
    assert same_codec(encoding.replace("-sig", ""), codec)
    assert notes == []
    doc = pipeline.read(bom + TEXT.encode(codec), name="page.txt")
    assert doc.text == TEXT and doc.encoding == encoding


def test_bytes_that_contradict_their_byte_order_mark_are_refused():
    with pytest.raises(SourceError, match="byte-order mark"):
        decode_bytes(codecs.BOM_UTF8 + b"caf\xe9", RULES)


def test_strict_utf8_is_taken_as_is():
    text, encoding, notes = decode_bytes(TEXT.encode("utf-8"), RULES)
    assert (text, encoding, notes) == (TEXT, "utf-8", [])


def test_stray_windows_1252_bytes_in_utf8_are_repaired_with_a_warning():
    data = TEXT.encode("utf-8") + "It’s here.\n".encode("cp1252")
    doc = pipeline.read(data, name="page.txt")
    assert doc.text == TEXT + "It’s here.\n"
    assert doc.encoding == "utf-8"
    assert [w.code for w in doc.warnings] == ["mixed-encoding"]


def test_mostly_windows_1252_bytes_are_not_taken_for_mixed_utf8():
    # one accidental UTF-8 pair among many Windows-1252 letters is a 1252 file, not a mixed one
    data = (WESTERN * 3).encode("cp1252") + "Â©".encode("cp1252")
    text, encoding, notes = decode_bytes(data, RULES)
    assert notes == []
    assert text == WESTERN * 3 + "Â©"


@pytest.mark.parametrize("sample", [WESTERN * 3, WESTERN, "Español", "Der Bär läuft über die Straße.", "Ärger über Öl"])
def test_windows_1252_and_latin1_files_are_detected_as_such(sample):
    for codec in ("cp1252", "latin-1"):
        try:
            data = sample.encode(codec)
        except UnicodeEncodeError:
            continue  # curly quotes are not Latin-1
        doc = pipeline.read(data, name="page.txt")
        assert doc.text == sample
        assert same_codec(doc.encoding, "cp1252") or same_codec(doc.encoding, "latin-1"), doc.encoding


@pytest.mark.parametrize("sample, codec", [("Привет, как дела? Это тест русского текста.", "cp1251"),
                                           ("Zażółć gęślą jaźń. Pchnąć w tę łódź jeża.", "cp1250")])
def test_other_code_pages_are_not_forced_to_windows_1252(sample, codec):
    text, encoding, _ = decode_bytes(sample.encode(codec), RULES)
    assert text == sample
    assert not same_codec(encoding, "cp1252")


def test_binary_data_is_refused_as_binary():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
    with pytest.raises(SourceError, match="binary"):
        pipeline.read(png, name="image.txt")
    with pytest.raises(SourceError, match="binary"):
        decode_bytes(b"text with a NUL \x00 byte", RULES)


def test_bytes_no_encoding_explains_are_refused_as_undecodable():
    rng = random.Random(20240601)
    noise = bytes(rng.randrange(0x80, 0x100) for _ in range(4000))
    with pytest.raises(SourceError, match="undecodable"):
        decode_bytes(noise, RULES)


def test_crlf_is_kept_and_offsets_count_the_carriage_returns():
    data = b"First line\r\nsecond line\r\n\r\nThird paragraph\r\n"
    doc = pipeline.read(data, name="page.txt")
    assert doc.text == data.decode("ascii")
    assert doc.text.count("\r\n") == 4
    for block in doc.blocks:
        a, b = block.span.chars
        assert doc.text[a:b].startswith(block.text.split(" ")[0])
    third = doc.blocks[-1]
    assert third.text == "Third paragraph"
    assert third.span.chars[0] == doc.text.index("Third") and third.span.lines == (4, 4)


def test_a_windows_1252_page_is_labelled_windows_1252() -> None:
    doc = pipeline.read("Café au lait is a drink that many people enjoy in most cafés across the city.".encode("cp1252"),
                        name="x.txt")
    assert doc.encoding == "windows-1252"
