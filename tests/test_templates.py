"""Cross-page templates: a corpus run counts each site's lines, then drops those most of its pages share."""
from __future__ import annotations

import json

import pytest

import pipeline
from pipeline.templates import TemplateRules, TemplateState, build
from tests.cli_main import run_main

CFG = TemplateRules(min_share=0.5, min_pages=3, min_chars=3, cluster_min_shared=3)
STORIES = [
    "The harbour board voted on Monday to extend the night ferry service through the winter months.",
    "A new cycle path along the canal opened this week, linking the station with the old market square.",
    "The county library will keep its reading rooms open late on Thursdays from the start of next month.",
    "Volunteers planted two hundred oak saplings on the hillside above the quarry over the weekend.",
]


def site_page(i: int, *, url: bool = True) -> str:
    """A page of an invented news site: its own story between the site's menu and footer."""
    head = f"Link: https://news.example.org/story-{i}\n\n" if url else ""
    return (f"{head}Home | Local | Sport | Weather\n\nSubscribe to our weekly letter for the town's news\n\n"
            f"# Story {i}\n\n{STORIES[i]}\n\nThe Example Gazette, 1 Mill Lane, Exampletown\n\n"
            "Contact the newsroom at any time of day\n\nAdvertise with us | Jobs | Privacy\n")


def test_lines_on_most_of_a_sites_pages_are_template_and_a_small_site_has_none() -> None:
    pages = [(f"p{i}", "example.org", frozenset({"menu", "footer", f"story {i}"})) for i in range(4)]
    pages += [("q0", "other.org", frozenset({"menu"})), ("q1", "other.org", frozenset({"menu"}))]
    state = build(pages, CFG)
    assert state.template_lines("example.org", CFG) == {"menu", "footer"}
    assert state.template_lines("other.org", CFG) == frozenset()  # 2 pages < min_pages
    assert state.sites["example.org"].pages == 4 and "story 1" not in state.sites["example.org"].lines


def test_copies_of_one_page_count_once_so_their_own_text_is_no_template() -> None:
    copies = [(f"c{i}", "example.org", frozenset({"menu", "story"})) for i in range(5)]
    state = build(copies + [("d", "example.org", frozenset({"menu", "other story"}))], CFG)
    assert state.sites["example.org"].pages == 2
    assert state.template_lines("example.org", CFG) == frozenset()  # 2 distinct pages < min_pages


def test_pages_without_a_site_that_share_enough_lines_form_one() -> None:
    shared = frozenset({"a line", "b line", "c line"})
    pages = [(f"n{i}", None, shared | {f"own {i}"}) for i in range(3)] + [("z", None, frozenset({"a line", "x"}))]
    state = build(pages, CFG)
    assert set(state.page_sites) == {"n0", "n1", "n2"}
    site = state.page_sites["n0"]
    assert state.template_lines(site, CFG) == shared


def test_the_state_does_not_depend_on_the_order_pages_were_counted_and_survives_json() -> None:
    pages = [(f"n{i}", None, frozenset({"a line", "b line", "c line", str(i)})) for i in range(4)]
    one, other = build(pages, CFG), build(list(reversed(pages)), CFG)
    assert one.to_json() == other.to_json()
    assert TemplateState.from_json(json.loads(json.dumps(one.to_json()))).to_json() == one.to_json()


def test_a_sites_template_lines_are_dropped_with_their_rule_and_count_and_headings_stay() -> None:
    rules = pipeline.load_rules()
    counted = [pipeline.core.template_lines_of(site_page(i), name=f"s{i}.txt", rules=rules) for i in range(4)]
    state = build(counted, rules.stage("template"))
    page = pipeline.clean(site_page(0), name="s0.txt", rules=rules, templates=state)
    template = [r for r in page["removed"] if r["rule"] == "template"]
    texts = {r["text"] for r in template}
    assert "The Example Gazette, 1 Mill Lane, Exampletown" in texts
    assert "Contact the newsroom at any time of day" in texts
    assert all(r["why"] == "on 4 of the 4 pages of news.example.org" for r in template)
    kept = "\n".join(s["text"] for s in page["sections"])
    assert STORIES[0] in kept and "Mill Lane" not in kept and "newsroom" not in kept
    # without the state the page is cleaned on its own: nothing is template
    assert not [r for r in pipeline.clean(site_page(0), name="s0.txt", rules=rules)["removed"] if r["rule"] == "template"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_corpus_run_writes_its_state_and_a_notebook_reproduces_a_page_with_it(tmp_path, jobs: str) -> None:
    src = tmp_path / "raw"
    src.mkdir()
    for i in range(4):
        (src / f"s{i}.txt").write_text(site_page(i, url=False), encoding="utf-8")  # no URL: shared lines make the site
    out = tmp_path / "clean"
    assert run_main("clean", str(src), "-o", str(out), "--jobs", jobs, "-q").returncode == 0
    state = json.loads((out / ".templates.json").read_text(encoding="utf-8"))
    written = json.loads((out / "s2.json").read_text(encoding="utf-8"))
    assert any(r["rule"] == "template" for r in written["removed"])
    again = pipeline.clean((src / "s2.txt").read_bytes(), name=str(src / "s2.txt"), templates=state)
    assert json.loads(json.dumps(again)) == {**written, "source": {**written["source"], "path": again["source"]["path"]}}


def test_no_templates_cleans_each_page_on_its_own(tmp_path) -> None:
    src = tmp_path / "raw"
    src.mkdir()
    for i in range(4):
        (src / f"s{i}.txt").write_text(site_page(i), encoding="utf-8")
    out = tmp_path / "clean"
    assert run_main("clean", str(src), "-o", str(out), "--no-templates", "-q").returncode == 0
    assert not (out / ".templates.json").exists()
    assert not any(r["rule"] == "template" for r in json.loads((out / "s0.json").read_text())["removed"])
