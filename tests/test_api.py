"""The Python API contract: ``pipeline.clean`` is what the CLI writes, format and id come from the
name, output is deterministic, and every kept or removed piece says truly where it came from."""
from __future__ import annotations

import gzip
import json
import os

import pytest

import pipeline
from pipeline.output import dumps
from pipeline.sources import detect_format
from tests.conftest import SEED_PAGES, run_cli
from tests.page_checks import kept_blocks, lost_lines, provenance_problem, span_problems

SEED_IDS = [p.name for p in SEED_PAGES]
SMALL = ("# Pancreatic tumors\n\nSurgery removes the tumor when it has not spread beyond the pancreas.\n\n"
         "## Side effects\n\nPain and tiredness are common in the weeks after the operation.\n")


def seed(name: str) -> tuple[bytes, dict]:
    data = next(p for p in SEED_PAGES if p.name == name).read_bytes()
    return data, pipeline.clean(data, name=f"raw/{name}")


def text_seed(name: str) -> tuple[str, dict]:
    """(decoded source text, page) of a seed whose spans are character offsets (text and PDF
    pages; HTML spans are XPaths and lines, checked elsewhere)."""
    data, page = seed(name)
    if page["source"]["format"] == "html":
        pytest.skip("HTML spans carry no character offsets")
    return pipeline.read(data, name=name).text, page


# --- the CLI and the API agree ---------------------------------------------------------------

def test_clean_returns_exactly_what_the_cli_writes(seed_run) -> None:
    src, out, proc = seed_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for page in SEED_PAGES:
        written = (out / (page.stem + ".json")).read_text(encoding="utf-8")
        expected = pipeline.clean(page.read_bytes(), name=str(src / page.name))
        assert json.loads(written) == expected, page.name
        assert written == dumps(expected), page.name  # same bytes, not only the same data


def test_version_is_a_string_and_recorded_in_each_page() -> None:
    assert isinstance(pipeline.__version__, str) and pipeline.__version__
    assert pipeline.clean(SMALL, name="x.txt")["pipeline"]["version"] == pipeline.__version__


def test_load_rules_gives_compiled_rules_whose_hash_each_page_records() -> None:
    rules = pipeline.load_rules()
    assert isinstance(rules, pipeline.Rules)
    assert rules.stages and all(isinstance(s, str) for s in rules.stages)
    page = pipeline.clean(SMALL, name="x.txt", rules=rules)
    assert page["pipeline"]["rules_sha256"] == rules.sha256
    assert page["pipeline"]["stages"][-len(rules.stages):] == list(rules.stages)


def test_clean_accepts_str_and_bytes_alike() -> None:
    from_str = pipeline.clean(SMALL, name="x.txt")
    from_bytes = pipeline.clean(SMALL.encode("utf-8"), name="x.txt")
    assert from_str["sections"] == from_bytes["sections"]
    assert from_str["removed"] == from_bytes["removed"]
    assert from_str["source"]["sha256"] == from_bytes["source"]["sha256"]


# --- format and id from the name --------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("a.html", "html"), ("a.HTM", "html"), ("a.pdf", "pdf"), ("a.txt", "text"), ("a.md", "text"),
    ("a.markdown", "text"), ("a.html.gz", "html"), ("a.txt.gz", "text"), ("a.pdf.gz", "pdf"),
])
def test_format_is_decided_by_the_extension_before_the_content(name: str, expected: str) -> None:
    # content that sniffs as something else: the extension must win
    other = b"%PDF-1.4\n" if expected != "pdf" else b"<!doctype html><html><body>x</body></html>"
    assert detect_format(other, name) == expected


@pytest.mark.parametrize("content, expected", [
    (b"<!DOCTYPE html>\n<html><head><title>t</title></head><body><p>x</p></body></html>", "html"),
    (b"  <html><body><p>x</p></body></html>", "html"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf"),
    (b"Plain words on a line.\nAnother line.\n", "text"),
])
@pytest.mark.parametrize("name", [None, "page", "page.dat"])
def test_format_is_sniffed_from_the_content_without_a_known_extension(content: bytes, expected: str,
                                                                      name: str | None) -> None:
    assert detect_format(content, name) == expected


def test_clean_of_a_gzipped_text_page_unpacks_it_and_takes_the_stem_before_both_extensions() -> None:
    packed = gzip.compress(SMALL.encode("utf-8"), mtime=0)
    page = pipeline.clean(packed, name="dumps/x.txt.gz")
    plain = pipeline.clean(SMALL.encode("utf-8"), name="dumps/x.txt")
    assert page["id"] == "x"
    assert page["source"]["format"] == "text"
    assert page["sections"] == plain["sections"]
    # source bytes and hash are of the file as given, before unpacking
    assert page["source"]["bytes"] == len(packed)


def test_clean_without_an_extension_sniffs_text() -> None:
    page = pipeline.clean(SMALL.encode("utf-8"), name="notes")
    assert page["source"]["format"] == "text" and page["id"] == "notes"
    assert page["sections"]


def test_clean_of_an_html_name_reads_it_as_html() -> None:
    page = pipeline.clean(b"<html><head><title>T</title></head><body><p>Surgery removes the tumor.</p>"
                          b"</body></html>", name="site/page.htm")
    assert page["source"]["format"] == "html"
    assert page["id"] == "page"


def test_explicit_format_overrides_the_extension() -> None:
    page = pipeline.clean(SMALL, name="page.html", format="text")
    assert page["source"]["format"] == "text"


def test_unknown_format_is_refused_with_a_source_error() -> None:
    with pytest.raises(pipeline.SourceError, match="docx"):
        pipeline.clean(SMALL, name="x.txt", format="docx")


@pytest.mark.parametrize("name, page_id", [
    ("x.txt", "x"), ("dir/sub/report.v2.txt", "report.v2"), ("x.html.gz", "x"), ("README", "README"),
])
def test_id_is_the_stem_of_the_name_and_path_is_the_name(name: str, page_id: str) -> None:
    page = pipeline.clean(SMALL, name=name, format="text")
    assert page["id"] == page_id
    assert page["source"]["path"] == name


# --- determinism -------------------------------------------------------------------------------

def test_another_process_with_another_hash_seed_writes_byte_identical_json(seed_run, tmp_path) -> None:
    # a second run in the same process could share a set's iteration order or a cache with the first
    # one; a fresh interpreter with another string-hash seed cannot
    src, out, proc = seed_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    env = dict(os.environ, PYTHONHASHSEED="12345")
    again = run_cli("clean", src, "-o", tmp_path / "again", env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    for page in SEED_PAGES:
        name = page.stem + ".json"
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes(), name


# --- provenance ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SEED_IDS)
def test_every_span_lies_inside_the_source_on_the_lines_it_names(name: str) -> None:
    text, page = text_seed(name)
    bad = span_problems(text, page)
    assert not bad, "\n".join(bad[:20])


@pytest.mark.parametrize("name", SEED_IDS)
def test_kept_block_text_comes_from_its_source_chars(name: str) -> None:
    text, page = text_seed(name)
    bad = [p for p in (provenance_problem(text, b) for b in kept_blocks(page)) if p]
    assert not bad, f"{len(bad)} blocks:\n" + "\n".join(bad[:15])


@pytest.mark.parametrize("name", SEED_IDS)
def test_removed_text_comes_from_its_source_chars(name: str) -> None:
    text, page = text_seed(name)
    bad = [p for p in (provenance_problem(text, r) for r in page["removed"]) if p]
    assert not bad, f"{len(bad)} removals:\n" + "\n".join(bad[:15])


@pytest.mark.parametrize("name", SEED_IDS)
def test_every_non_blank_source_line_is_kept_or_logged_as_removed(name: str) -> None:
    text, page = text_seed(name)
    lost = lost_lines(text, page)
    assert not lost, f"{len(lost)} non-blank lines neither kept nor in removed:\n" + "\n".join(lost[:20])


def test_provenance_check_catches_text_that_is_not_in_its_slice() -> None:
    # the check itself must be able to fail
    source = "Surgery removes the tumor.\nSide effects include pain.\n"
    assert provenance_problem(source, {"text": "Surgery removes the tumor.", "source": {"chars": [0, 26]}}) is None
    assert provenance_problem(source, {"text": "Side effects include pain.", "source": {"chars": [0, 26]}})
    assert provenance_problem(source, {"text": "the Surgery", "source": {"chars": [0, 26]}})  # out of order
    # repairs: a hyphen removed at a line break, mojibake fixed, an entity decoded
    assert provenance_problem("treat-\nment", {"text": "treatment", "source": {"chars": [0, 11]}}) is None
    assert provenance_problem("EspaÃ±ol", {"text": "Español", "source": {"chars": [0, 8]}}) is None
    assert provenance_problem("caf&eacute; noir", {"text": "café noir", "source": {"chars": [0, 16]}}) is None


def test_a_template_state_that_is_not_one_is_refused_saying_so() -> None:
    with pytest.raises(ValueError, match="not a template state"):
        pipeline.clean(b"Some text.", name="x.txt", templates={"example.org": {}})


def test_a_page_passes_through_a_stage_that_does_not_act_on_its_format() -> None:
    # markup acts on text pages only: in an HTML page's text a "*" or "[1]" is literal
    page = pipeline.clean("<html><body><p>Rate *all* items [1] of the list, then sum them up.</p></body></html>",
                          name="x.html")
    assert "markup" in page["pipeline"]["stages"]
    assert [b["text"] for s in page["sections"] for b in s["blocks"]] == ["Rate *all* items [1] of the list, then sum them up."]
    assert not [r for r in page["removed"] if r["stage"] == "markup"]


@pytest.mark.parametrize("name", SEED_IDS)
def test_every_block_the_reader_made_is_still_in_the_cleaned_document_kept_or_labelled(name: str) -> None:
    data = next(p for p in SEED_PAGES if p.name == name).read_bytes()
    rules = pipeline.load_rules()
    read = pipeline.read(data, name=name, rules=rules)
    done = pipeline.run(read, rules)
    # a block may be split (its parts keep its place) or merged into one before it (whose span then
    # covers it): no other place is lost, and a block no longer kept says which stage and rule dropped it
    places = {b.seq: b for b in done.blocks}
    for block in read.blocks:
        if block.seq not in places:
            assert any(m.span.chars[0] <= block.span.chars[0] and block.span.chars[1] <= m.span.chars[1]
                       for m in done.kept), block.text
    assert all(b.drop is None or (b.drop.stage in done.stages and b.drop.rule) for b in done.blocks)
    assert [b.seq for b in done.blocks] == sorted(b.seq for b in done.blocks)
    assert pipeline.clean(data, name=name, rules=rules)["removed"] == [r.to_json() for r in done.removed]
