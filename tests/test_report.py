"""The review report: what each view lists (pure functions over page dicts), the source it marks,
the site it writes, run-to-run comparison and the notebook display. The browser test of the site
is tests_browser/ (make test-browser)."""
from __future__ import annotations

import json
import re
import shutil
from functools import lru_cache
from pathlib import Path

import pytest

import pipeline
from pipeline.output import dumps
from pipeline.report import compare, families, model, notebook, render, source
from pipeline.rules import RulesError, load_rules
from tests.cli_main import run_main
from tests.conftest import SEED_PAGES

RULES = load_rules()
FAMILIES = RULES.report


@lru_cache(maxsize=None)  # each seed cleaned once for the whole file; no test changes what it gets
def seed_page(name: str = "001_f9349a33ef4975a7.txt") -> tuple[dict, str]:
    path = next(p for p in SEED_PAGES if p.name == name)
    return pipeline.clean(path.read_bytes(), name=f"raw/{name}"), path.read_text(encoding="utf-8")


def with_report_section(tmp_path: Path, section: str) -> Path:
    text = Path(pipeline.rules.DEFAULT_RULES).read_text(encoding="utf-8")
    start = text.index("\nreport:\n")
    end = text.index("\n# Per-site rules")
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(text[:start] + "\n" + section + text[end:], encoding="utf-8")
    return rules_file


# --- families -------------------------------------------------------------------------------------

def test_a_family_is_found_by_rule_id_first_then_by_stage_then_other() -> None:
    assert FAMILIES.of("boilerplate", "menu").name == "navigation"
    assert FAMILIES.of("markup", "link-target").name == "markup" and FAMILIES.of("markup", "link-target").quiet
    assert FAMILIES.of("markup", "image").name == "media"  # named by id, although markup's stage is quiet
    assert FAMILIES.of("dedupe", "some-new-rule").name == "dedupe"  # by stage
    assert FAMILIES.of("new-stage", "new-rule").name == families.OTHER
    assert FAMILIES.families[-1].name == families.OTHER


def test_every_rule_that_fires_on_the_seed_pages_has_a_family_of_its_own() -> None:
    for path in SEED_PAGES:
        page = seed_page(path.name)[0]
        strays = {(r["stage"], r["rule"]) for r in page["removed"] if FAMILIES.of(r["stage"], r["rule"]).name == families.OTHER}
        assert not strays, f"{path.name}: rules in no family of rules.yaml's report: section: {sorted(strays)}"


def test_family_counts_follow_the_legend_order_and_skip_families_that_did_not_fire() -> None:
    removed = [{"stage": "markup", "rule": "emphasis"}, {"stage": "boilerplate", "rule": "menu"},
               {"stage": "markup", "rule": "link-target"}]
    assert FAMILIES.count(removed) == {"navigation": 1, "markup": 2}


@pytest.mark.parametrize("section, key", [
    ("report:\n  families:\n    - {name: a, colour: '#000000', rules: [menu]}\n    - {name: b, colour: '#000000', rules: [menu]}\n",
     "report.families[1].rules[0]"),
    ("report:\n  families:\n    - {name: a, colour: red}\n", "report.families[0].colour"),
    ("report:\n  families:\n    - {name: other, colour: '#000000'}\n", "report.families[0].name"),
    ("report:\n  families:\n    - {name: a, colour: '#000000', colours: x}\n", "report.families[0].colours"),
])
def test_bad_report_rules_are_refused_naming_the_key(tmp_path: Path, section: str, key: str) -> None:
    with pytest.raises(RulesError, match=re.escape(key)):
        load_rules(with_report_section(tmp_path, section))


# --- the page view's data -------------------------------------------------------------------------

def test_segments_show_a_real_drop_over_a_quiet_cut_and_list_what_else_covers_the_piece() -> None:
    blocks = [{"i": 0, "chars": (0, 10)}]
    removals = [{"i": 0, "chars": (2, 4), "quiet": True}, {"i": 1, "chars": (3, 8), "quiet": False},
                {"i": 2, "chars": (12, 12), "quiet": False}]
    assert model.segments(14, blocks, removals) == [
        [0, 2, -1, 0], [2, 3, 0, 0], [3, 4, 1, 0, [0]], [4, 8, 1, 0], [8, 10, -1, 0], [10, 12, -1, -1],
        [12, 12, 2, -1], [12, 14, -1, -1]]


def test_segments_end_at_a_page_break_even_inside_one_block() -> None:
    pieces = model.segments(10, [{"i": 0, "chars": (0, 10)}], [], breaks=[4])
    assert pieces == [[0, 4, -1, 0], [4, 10, -1, 0]]


def test_the_source_view_of_a_seed_page_covers_the_text_and_finds_every_removal_and_block() -> None:
    page, text = seed_page()
    view = model.page_view(page, FAMILIES, text)
    assert view["mode"] == "source" and view["unplaced"] == []
    pieces = view["segments"]
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:]))  # no gap, no overlap
    shown = {p[2] for p in pieces} | {o for p in pieces if len(p) > 4 for o in p[4]}
    assert shown - {-1} == set(range(len(page["removed"])))
    assert {p[3] for p in pieces} - {-1} == set(range(len(view["blocks"])))
    assert {r["rule"] for r in view["removed"]} == set(page["stats"]["removed_by_rule"])


def test_without_the_source_every_block_and_removal_is_listed_once_in_source_line_order() -> None:
    page, _ = seed_page()
    view = model.page_view(page, FAMILIES, None)
    assert view["mode"] == "items" and "text" not in view
    items = view["items"]
    assert sorted(i for k, i in items if k == "b") == list(range(len(view["blocks"])))
    assert sorted(i for k, i in items if k == "r") == list(range(len(page["removed"])))
    starts = [page["removed"][i]["source"]["lines"][0] if k == "r" else
              next(b for b in model.kept_blocks(page) if b["i"] == i)["lines"][0] for k, i in items]
    assert starts == sorted(starts)


def test_html_blocks_are_ordered_by_line_then_xpath_and_show_their_xpath() -> None:
    page = pipeline.clean(b"<html><body><nav><ul><li><a href='/'>Home</a></li></ul></nav><main><h1>Title</h1>"
                          b"<p>" + b"Enough words here to make a paragraph of real text for the reader. " * 3 +
                          b"</p><p>A second paragraph with more words in it than the first one needs.</p></main></body></html>",
                          name="a.html")
    view = model.page_view(page, FAMILIES, None)
    assert view["mode"] == "items"
    assert all(", /html/body" in b["where"] for b in view["blocks"])
    assert model.xpath_key("/html/body/p[2]") < model.xpath_key("/html/body/p[10]")
    assert "/html/body" in view["blocks"][0]["where"]


def test_an_html_page_on_one_line_is_listed_in_document_order_from_its_source() -> None:
    text = ("<html><body><nav><ul><li><a href='/'>Home</a></li><li><a href='/a'>About us</a></li></ul></nav><main>"
            "<h1>Green tea</h1><p>" + "Green tea is steamed soon after picking, which keeps its colour and taste. " * 3 +
            "</p></main><footer><p>Copyright 2025 Tea Shop. All rights reserved. Privacy policy.</p></footer></body></html>")
    page = pipeline.clean(text, name="tea.html")
    view = model.page_view(page, FAMILIES, None, None, source.element_order(text))
    texts = [(view["blocks"] if k == "b" else view["removed"])[i]["text"] for k, i in view["items"]]
    assert texts.index("Home") < texts.index("Green tea") < texts.index(texts[-1]) and "Copyright" in texts[-1]
    # without the source, one line orders nothing: the footer's XPath sorts before main's
    guessed = model.page_view(page, FAMILIES, None)["items"]
    assert guessed != view["items"] and sorted(guessed) == sorted(view["items"])


def test_the_outline_lists_sections_with_heading_paths_and_their_first_block() -> None:
    page, _ = seed_page("003_770a51a08c910fdb.txt")
    outline = model.outline(page)
    assert [s["id"] for s in outline] == [s["id"] for s in page["sections"]]
    assert [s["path"] for s in outline] == [s["path"] for s in page["sections"]]
    firsts = [s["first"] for s in outline]
    assert firsts[0] == 0 and firsts == sorted(firsts)
    blocks = model.kept_blocks(page)
    assert all(blocks[s["first"]]["section"] == s["id"] for s in outline if s["blocks"])


def test_where_reads_lines_pages_and_xpaths() -> None:
    assert model.where({"chars": [0, 4], "lines": [3, 3]}) == "line 3"
    assert model.where({"chars": [0, 4], "lines": [3, 5], "page": 2}) == "lines 3-5, p. 2"
    assert model.where({"chars": None, "lines": [7, 7], "xpath": "/html/body/p[2]"}) == "line 7, /html/body/p[2]"


def test_pdf_page_starts_become_breaks_and_the_outline_names_the_pages() -> None:
    page = {"sections": [{"id": "s0", "heading": None, "level": 0, "path": [], "role": "body", "text": "ab",
                          "blocks": [{"kind": "paragraph", "text": "a", "source": {"chars": [0, 1], "lines": [1, 1], "page": 1}},
                                     {"kind": "paragraph", "text": "b", "source": {"chars": [5, 6], "lines": [3, 3], "page": 2}}],
                          "source": {"chars": [0, 6], "lines": [1, 3]}}],
            "removed": [{"stage": "pdf", "rule": "page-number", "source": {"chars": [2, 3], "lines": [2, 2], "page": 1},
                         "text": "1"}], "warnings": [], "stats": {}, "source": {"format": "pdf"}}
    view = model.page_view(page, FAMILIES, "a\n1\n\nb\n")
    assert view["breaks"] == [[0, 1], [5, 2]]
    assert view["outline"][0]["pages"] == "pp. 1-2"
    assert view["removed"][0]["where"] == "line 2, p. 1" and view["removed"][0]["family"] == "pdf"


# --- the index's data -----------------------------------------------------------------------------

def test_a_page_row_counts_real_drops_apart_from_inline_cuts_and_names_the_top_rules() -> None:
    page, _ = seed_page()
    row = model.page_row(page, FAMILIES, "001.json")
    quiet = [r for r in page["removed"] if FAMILIES.of(r["stage"], r["rule"]).quiet]
    assert row["cuts"] == len(quiet) > 0
    assert row["removed"] == sum(len(r["text"]) for r in page["removed"] if r not in quiet)
    assert row["top"] and all(not FAMILIES.of(row["rules"][rule][2], rule).quiet for rule, *_ in row["top"])
    assert [t[2] for t in row["top"]] == sorted((t[2] for t in row["top"]), reverse=True)
    assert sum(n for n, _, _ in row["rules"].values()) == len(page["removed"])
    assert row["status"] == "ok" and row["kept"] == page["stats"]["chars_out"]


def test_corpus_totals_add_up_the_rows_per_rule_and_per_family() -> None:
    rows = [model.page_row(seed_page(p.name)[0], FAMILIES) for p in SEED_PAGES]
    rows.append(model.error_row("raw/bad.bin", "binary data"))
    totals = model.corpus_totals(rows, FAMILIES)
    assert totals["pages"] == {"ok": 5, "empty": 0, "error": 1}
    menu = next(t for t in totals["rules"] if t["rule"] == "menu")
    assert menu["pages"] == sum(1 for r in rows if "menu" in r["rules"])
    assert menu["count"] == sum(r["rules"]["menu"][0] for r in rows if "menu" in r["rules"])
    assert sum(f["count"] for f in totals["families"]) == sum(t["count"] for t in totals["rules"])


# --- the source ---------------------------------------------------------------------------------

def test_the_source_is_found_under_a_root_and_decoded_as_the_pipeline_decodes_it(tmp_path: Path) -> None:
    data = "Caf\xe9 au lait is served hot. \u201cQuoted\u201d text follows here.\n".encode("cp1252") * 3
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "x.txt").write_bytes(data)
    page = pipeline.clean(data, name="pages/x.txt")
    text, note = source.source_text(page, [tmp_path], RULES)
    assert note is None and text == pipeline.read(data, name="pages/x.txt").text
    (tmp_path / "pages" / "x.txt").write_bytes(data + b"edited")
    text, note = source.source_text(page, [tmp_path], RULES)
    assert text is None and "changed since it was cleaned" in note


# --- the site -----------------------------------------------------------------------------------

def embedded(html: str, element: str) -> dict:
    m = re.search(rf'<script type="application/json" id="{element}">(.*?)</script>', html, re.S)
    assert m, element
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("report")
    shutil.copytree(SEED_PAGES[0].parent, base / "raw")
    assert run_main("clean", base / "raw", "-o", base / "clean", "-q").returncode == 0
    proc = run_main("report", base / "clean", "-o", base / "report", "-q")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return base / "clean", base / "report"


def test_the_report_has_an_index_row_and_a_page_view_per_page(seed_report: tuple[Path, Path]) -> None:
    clean, report = seed_report
    index = embedded((report / "index.html").read_text(encoding="utf-8"), "index-data")
    assert sorted(r["output"] for r in index["rows"]) == sorted(p.stem + ".json" for p in SEED_PAGES)
    for row in index["rows"]:
        view = embedded((report / row["href"]).read_text(encoding="utf-8"), "page-data")
        page = json.loads((clean / row["output"]).read_text(encoding="utf-8"))
        assert view["mode"] == "source" and view["note"] is None  # the source was found next to clean/
        rule = view["fields"]["removed"].index("rule")  # rows are packed as arrays of these fields
        assert [r[rule] for r in view["removed"]] == [r["rule"] for r in page["removed"]]
    assert all((report / "assets" / name).is_file() for name in render.ASSET_NAMES)
    assert "http://" not in (report / "index.html").read_text(encoding="utf-8").split("<script type")[0]


def test_a_failed_page_is_an_index_row_with_its_error(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "good.txt").write_text(SEED_PAGES[0].read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "raw" / "bad.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    run_main("clean", tmp_path / "raw", "-o", tmp_path / "clean", "-q")
    assert run_main("report", tmp_path / "clean", "-o", tmp_path / "report", "-q").returncode == 0
    rows = embedded((tmp_path / "report" / "index.html").read_text(encoding="utf-8"), "index-data")["rows"]
    bad = next(r for r in rows if r["path"].endswith("bad.txt"))
    assert bad["status"] == "error" and "binary" in bad["error"] and bad["output"] is None


def test_page_text_cannot_close_the_data_element() -> None:
    assert "<" not in render.embed({"t": "</script><script>alert(1)</script>"})
    assert json.loads(render.embed({"t": "</script>"})) == {"t": "</script>"}


def test_only_a_web_address_the_page_states_becomes_a_link() -> None:
    view = model.page_view({"source": {"url": "javascript:alert(1)", "format": "text"}}, FAMILIES)
    assert 'href="javascript' not in render.page_html(view, "assets", None)
    view = model.page_view({"source": {"url": "https://example.org/a?b=1&c=2", "format": "text"}}, FAMILIES)
    assert 'href="https://example.org/a?b=1&amp;c=2"' in render.page_html(view, "assets", None)


def test_report_needs_one_of_clean_dir_and_compare(tmp_path: Path) -> None:
    assert run_main("report", "-o", tmp_path / "r").returncode == 2
    assert run_main("report", tmp_path, "--compare", tmp_path, tmp_path).returncode == 2
    assert run_main("report", tmp_path / "missing", "-o", tmp_path / "r").returncode == 2


# --- compare --------------------------------------------------------------------------------------

def test_a_word_diff_rebuilds_both_texts() -> None:
    old = "The tumor grows slowly.\n\nSurgery removes it.\nMenu | Home\n"
    new = "The tumour grows slowly.\n\nSurgery removes it.\n"
    diff = compare.word_diff(old, new)
    assert "".join(t for op, t in diff if op != "+") == old
    assert "".join(t for op, t in diff if op != "-") == new
    assert ("-", "tumor") in diff and ("+", "tumour") in diff


def test_compare_lists_pages_whose_kept_text_changed_and_rules_that_started_or_stopped() -> None:
    old = {name: seed_page(name)[0] for name in ("000_78af2cd2042f8ae8.txt", "001_f9349a33ef4975a7.txt")}
    new = json.loads(json.dumps(old))
    page = new["001_f9349a33ef4975a7.txt"]
    page["sections"][-1]["text"] += "\n\nA paragraph the old run dropped."
    page["removed"] = [r for r in page["removed"] if r["rule"] != "follow-us"] + \
        [{"stage": "boilerplate", "rule": "brand-new", "source": {"chars": None, "lines": [1, 1]}, "text": "x"}]
    result = compare.compare_pages(old, new)
    assert [(p.key, p.kind) for p in result.pages] == [("001_f9349a33ef4975a7.txt", "changed")]
    change = result.pages[0]
    assert change.words_added == 6 and change.words_removed == 0
    assert change.started == {"brand-new": 1} and change.stopped == {"follow-us": 1}
    assert result.started == {"brand-new": 1}
    lines = compare.summary_lines(result)
    assert "kept text changed on 1" in lines[0] and any("brand-new" in line for line in lines)


def test_report_compare_prints_the_summary_and_writes_compare_html(seed_report: tuple[Path, Path], tmp_path: Path) -> None:
    clean, _ = seed_report
    shutil.copytree(clean, tmp_path / "new")
    page_file = tmp_path / "new" / "004_726440742af8f7ac.json"
    page = json.loads(page_file.read_text(encoding="utf-8"))
    word = page["sections"][0]["text"].split()[0]
    page["sections"][0]["text"] = page["sections"][0]["text"].replace(word, "Tumour", 1)
    page_file.write_text(dumps(page), encoding="utf-8")
    proc = run_main("report", "--compare", clean, tmp_path / "new", "-o", tmp_path / "cmp")
    assert proc.returncode == 0, proc.stderr
    assert "kept text changed on 1" in proc.stdout and "004_726440742af8f7ac" in proc.stdout
    html = (tmp_path / "cmp" / "compare.html").read_text(encoding="utf-8")
    assert f"<del>{word}</del><ins>Tumour</ins>" in html


def test_make_goldens_summary_says_no_page_changed_when_the_goldens_are_current() -> None:
    from tests.golden_update import SEED_NAMES, clean_seed, golden_changes, golden_view

    new = {Path(name).stem + ".json": golden_view(clean_seed(name)) for name in SEED_NAMES}
    assert golden_changes(new)[-1] == "no page changed"


# --- notebooks ------------------------------------------------------------------------------------

def test_the_page_dict_dumps_exactly_as_a_plain_dict_and_has_a_short_repr() -> None:
    page, _ = seed_page()
    assert isinstance(page, notebook.Page) and isinstance(page, dict)
    plain = dict(page)
    assert dumps(page) == dumps(plain)
    assert json.dumps(page, sort_keys=True) == json.dumps(plain, sort_keys=True)
    assert page == plain
    text = repr(page)
    assert len(text) < 200 and "001_f9349a33ef4975a7" in text and "inline cuts" in text


def test_the_page_dicts_html_marks_every_rule_it_shows_with_its_stage_and_why() -> None:
    page, _ = seed_page("004_726440742af8f7ac.txt")
    out = page._repr_html_()
    assert "<script" not in out
    for r in page["removed"]:
        if r["source"]["chars"]:
            assert f'title="{r["rule"]} · {r["stage"]}' in out, r["rule"]


def test_a_document_repr_is_short_and_its_html_is_the_page_view() -> None:
    data = SEED_PAGES[0].read_bytes()
    doc = pipeline.run(pipeline.read(data, name="raw/000.txt"))
    assert len(repr(doc)) < 300 and "normalize" in repr(doc)
    assert f"{len(doc.kept)} of {len(doc.blocks)} blocks kept" in repr(doc) and len(doc.kept) < len(doc.blocks)
    assert "pipeline-page" in doc._repr_html_()


def test_explain_lists_removals_with_stage_rule_family_why_and_text() -> None:
    page, _ = seed_page()
    rows = pipeline.explain(page)
    assert len(rows) == len(page["removed"])
    assert all({"stage", "rule", "family", "why", "text", "where"} <= set(r) for r in rows)
    assert [(r["stage"], r["rule"], r["text"]) for r in rows] == [(r["stage"], r["rule"], r["text"]) for r in page["removed"]]
    loud = pipeline.explain(SEED_PAGES[1].read_bytes(), name="raw/001.txt", quiet=False)
    assert loud and all(not r["quiet"] for r in loud)
    table = rows._repr_html_()
    assert table.count("<tr>") == len(rows) + 1 and "menu" in table
    assert repr(rows).startswith(f"{len(rows)} removals")


# --- the CLI's progress bar -----------------------------------------------------------------------

def test_the_progress_bar_shows_pages_done_rate_time_left_and_failures() -> None:
    import io

    from pipeline.progress import PageBar

    stream = io.StringIO()
    bar = PageBar(stream, disable=False)  # shown although the stream is no terminal
    for done in range(1, 4):
        bar(done, 3, failed=1)
    bar.write("error raw/x.txt: binary data")
    out = stream.getvalue()
    assert "3/3" in out and "page/s" in out and "<00:00" in out and "1 failed" in out
    assert out.endswith("error raw/x.txt: binary data\n")
    quiet = io.StringIO()
    PageBar(quiet)(1, 1)  # no terminal: no bar
    assert quiet.getvalue() == ""
