"""decode stage: bytes -> text by BOM, strict UTF-8, repaired mixed UTF-8/Windows-1252, detection;
binary and undecodable bytes are refused with a reason."""
from __future__ import annotations

import codecs
import gzip
import random
from pathlib import Path

import pytest

import pipeline
from pipeline import SourceError
from pipeline.stages.decode import DecodeRules, decode_bytes

RULES = DecodeRules()
REPO = Path(__file__).resolve().parent.parent
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
    assert "mixed-encoding" not in [code for code, _ in notes]
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
    rng = random.Random(7)
    noise = bytes(rng.randrange(0, 0x80) for _ in range(4000))  # ASCII-range noise: about 1 in 5 bytes a control
    with pytest.raises(SourceError, match="binary"):
        decode_bytes(noise, RULES)


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


# --- stray control bytes ---------------------------------------------------------------------------

def test_a_few_stray_control_bytes_do_not_make_a_page_binary():
    data = ("Surgery removes the tumor when it has not spread.\n" * 20).encode("utf-8")
    data = data[:100] + b"\x00" + data[100:300] + b"\x01\x02" + data[300:]
    text, encoding, _ = decode_bytes(data, RULES)
    assert text == data.decode("utf-8") and encoding == "utf-8"  # kept: offsets stay offsets into this text


def test_stray_control_bytes_are_removed_from_a_text_page_and_logged_where_they_were():
    page = "# Tumors\n\nSurgery re\x00moves the tumor when it has not spread beyond the pancreas.\n"
    out = pipeline.clean(page.encode("utf-8"), name="page.txt")
    kept = " ".join(b["text"] for s in out["sections"] for b in s["blocks"])
    assert "\x00" not in kept and "Surgery removes the tumor" in kept
    nul = page.index("\x00")
    assert [(r["rule"], r["text"], r["source"]["chars"]) for r in out["removed"] if "\x00" in r["text"]] == \
        [("ftfy-deleted", "\x00", [nul, nul + 1])]


# --- wide encodings without a byte-order mark ----------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("sample", [TEXT * 3, "Привет, как дела? Это тест русского текста.\n" * 3])
def test_utf16_and_utf32_without_a_byte_order_mark_are_recognised(codec, sample):
    text, encoding, notes = decode_bytes(sample.encode(codec), RULES)
    assert (text, encoding, notes) == (sample, codec, [])


def test_binary_with_nul_bytes_in_every_position_is_not_taken_for_utf16():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"
    with pytest.raises(SourceError, match="binary"):
        decode_bytes(png * 10, RULES)


# --- weak guesses --------------------------------------------------------------------------------

def test_a_short_koi8_r_page_is_read_as_koi8_r_with_a_weak_guess_warning():
    doc = pipeline.read("Привет, мир! Это тест.".encode("koi8-r"), name="page.txt")
    assert doc.text == "Привет, мир! Это тест."
    assert same_codec(doc.encoding, "koi8-r")
    [warning] = doc.warnings
    assert (warning.stage, warning.code) == ("decode", "weak-encoding-guess") and "koi8-r" in warning.text


def test_a_long_page_in_a_detected_encoding_gets_no_weak_guess_warning():
    sample = "Привет, как дела? Это тест русского текста, и он достаточно длинный.\n" * 10
    text, encoding, notes = decode_bytes(sample.encode("cp1251"), RULES)
    assert text == sample and notes == []


def test_a_weak_guess_that_no_reading_improves_is_kept_and_warned():
    data = "日本語のテキストです。".encode("shift_jis")
    text, encoding, notes = decode_bytes(data, RULES)
    assert text == "日本語のテキストです。"
    assert [code for code, _ in notes] == ["weak-encoding-guess"]


def test_decode_rules_are_validated_with_the_key_named():
    from pipeline.rules import RulesError, Where
    from pipeline.stages import decode

    where = Where("rules.yaml", {("decode",): 5}, ("decode",))
    with pytest.raises(RulesError, match="decode.max_unpacked_bytes"):
        decode.compile({"max_unpacked_bytes": 0}, where)
    with pytest.raises(RulesError, match=r"decode.weak_guess_encodings\[1\].*unknown encoding"):
        decode.compile({"weak_guess_encodings": ["koi8-r", "klingon"]}, where)


# --- gzip: streamed, and bounded -------------------------------------------------------------------

def test_a_gzip_page_is_unpacked_member_after_member():
    from pipeline.sources import unpack

    data = gzip.compress(b"First part. ", mtime=0) + gzip.compress(b"Second part.", mtime=0) + b"\x00" * 8
    assert unpack(data, "x.txt.gz", 1000) == b"First part. Second part."


def test_a_gzip_bomb_is_refused_at_the_limit_naming_the_rules_key():
    from pipeline.sources import unpack

    bomb = gzip.compress(bytes(50_000_000), mtime=0)  # 50 MB of zeros in 50 KB
    with pytest.raises(SourceError, match=r"more than 1000000 bytes.*decode\.max_unpacked_bytes"):
        unpack(bomb, "bomb.txt.gz", 1_000_000)


def test_the_unpack_limit_is_read_from_the_rules(tmp_path):
    rules_file = tmp_path / "rules.yaml"
    text = (REPO / "rules.yaml").read_text(encoding="utf-8")
    rules_file.write_text(text.replace("max_unpacked_bytes: 268435456", "max_unpacked_bytes: 1000"), encoding="utf-8")
    page = gzip.compress(("Surgery removes the tumor. " * 100).encode("utf-8"), mtime=0)
    assert pipeline.read(page, name="x.txt.gz").text.startswith("Surgery")
    with pytest.raises(SourceError, match="max_unpacked_bytes"):
        pipeline.read(page, name="x.txt.gz", rules=str(rules_file))


@pytest.mark.parametrize("data, why", [
    (gzip.compress(b"Some text that is long enough to cut.", mtime=0)[:-12], "ended before"),
    (gzip.compress(b"text", mtime=0) + b"garbage", "trailing garbage"),
    (b"plain text named .gz", "no gzip header"),
])
def test_a_broken_gzip_file_is_refused_as_such(data, why):
    with pytest.raises(SourceError, match=f"not a valid gzip file: .*{why}"):
        pipeline.read(data, name="x.txt.gz")
