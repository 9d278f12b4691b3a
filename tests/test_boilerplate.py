"""Boilerplate stage: what goes, what stays, and the rule that says why."""
from __future__ import annotations

from pathlib import Path

import pytest

import pipeline
from pipeline.rules import RulesError, load_rules
from pipeline.stages import boilerplate
from pipeline.textutil import stopword_lists

BODY = ("The spleen is an organ about the size of a fist that sits under the left ribs. It filters old "
        "cells out of the blood and stores white cells that help fight infection, and it lies in the "
        "upper belly close to the stomach, the left kidney and the colon.")
BODY2 = ("An operation is the usual first step for most of these growths when they are still small. The "
         "surgeon takes out the growth and, in some cases, part of the organ, and the patient stays in the "
         "hospital for a few days while the wound heals and the nurses watch for problems.")


def run(text: str, stages=("markup", "boilerplate"), site_rules: bool = True, rules=None):
    rules = rules or load_rules()
    if not site_rules:
        rules = rules.without_sites()
    doc = pipeline.read(text, name="page.md", rules=rules)
    return pipeline.run(doc, rules, stages=list(stages))


def kept(doc) -> list[str]:
    return [b.text for b in doc.kept]


def rules_of(doc) -> dict[str, str]:
    return {r.text: r.rule for r in doc.removed if r.stage == "boilerplate"}


def test_navigation_menu_before_the_article_is_removed_as_menu() -> None:
    doc = run(f"Menu\n\n* Health Guides\n* Medicines & Vitamins\n* Quizzes & Tools\n\n{BODY}\n\n{BODY2}\n")
    assert kept(doc) == [BODY, BODY2]
    removed = rules_of(doc)
    assert removed["Health Guides"] == "menu"
    assert removed["Menu"] == "navigation"


def test_list_introduced_by_a_colon_line_is_kept() -> None:
    doc = run(f"{BODY}\n\nSymptoms may include:\n\n* Nausea\n* Weight loss\n* Dehydration\n\n{BODY2}\n")
    assert "Symptoms may include:" in kept(doc)
    assert {"Nausea", "Weight loss", "Dehydration"} <= set(kept(doc))


def test_dangling_fragment_is_cut_and_the_complete_sentence_stays() -> None:
    line = "This leaflet covers small growths of the adrenal gland. See the ABC booklet on"
    doc = run(f"{BODY}\n\n{line}\n\n{BODY2}\n")
    assert "This leaflet covers small growths of the adrenal gland." in kept(doc)
    cut = [r for r in doc.removed if r.rule == "dangling-fragment"]
    assert [r.text for r in cut] == ["See the ABC booklet on"]
    assert doc.text[cut[0].span.chars[0]:cut[0].span.chars[1]] == "See the ABC booklet on"


def test_a_line_that_is_only_a_dangling_fragment_is_removed_whole() -> None:
    doc = run(f"{BODY}\n\nUse our\n\n{BODY2}\n")
    assert "Use our" not in kept(doc)
    assert rules_of(doc)["Use our"] == "dangling-fragment"


def test_list_item_ending_in_a_conjunction_after_a_semicolon_is_not_a_fragment() -> None:
    doc = run(f"{BODY}\n\nRepair may involve either:\n\n- Surgery to mend the tendon; or\n- Surgery to replace the joint.\n\n{BODY2}\n")
    assert "Surgery to mend the tendon; or" in kept(doc)


def test_link_only_items_are_removed_and_toc_entries_that_recur_as_headings_are_logged_as_toc() -> None:
    text = (f"{BODY}\n\n- [Minimally invasive repair](#)\n- [Open repair](#)\n\n"
            f"Minimally invasive repair\n\n{BODY2}\n")
    doc = run(text)
    removed = rules_of(doc)
    assert removed["Minimally invasive repair"] == "toc"
    assert removed["Open repair"] == "link-list"
    assert "Minimally invasive repair" in kept(doc)  # the heading itself stays


def test_bare_url_lists_are_link_lists() -> None:
    doc = run(f"{BODY}\n\nHyperlinks\n\n1. www.example.org/cancer/treatment.html\n2. www.example.org/side-effects.html\n\n{BODY2}\n")
    removed = rules_of(doc)
    assert removed["www.example.org/cancer/treatment.html"] == "link-list"


def test_promo_from_opener_to_read_more_is_removed() -> None:
    teaser = "Among common sleep troubles, this one is among the most frightening, and a calm bedtime may help..."
    text = f"{BODY}\n\nRecommended Related to Sleep\n\nNight Terrors\n\n{teaser}\n\nRead the Night Terrors article > >\n\n{BODY2}\n"
    doc = run(text)
    assert kept(doc) == [BODY, BODY2]
    assert rules_of(doc)[teaser] == "promo"


def test_short_teasers_before_a_call_to_action_are_promos() -> None:
    text = (f"Symptom Checker\n\nNot sure what your symptoms mean?\n\nGet Started\n\n"
            f"Health Center\n\n{BODY}\n\n{BODY2}\n")
    doc = run(text)
    removed = rules_of(doc)
    assert removed["Not sure what your symptoms mean?"] == "promo"
    assert removed["Get Started"] == "sign-up"


def test_legal_footer_is_removed_as_legal() -> None:
    legal = ("Copyright 2024 Example Media LLC. All rights reserved. Use of this site constitutes acceptance "
             "of our terms of use and privacy policy.")
    doc = run(f"{BODY}\n\n{BODY2}\n\n{legal}\n")
    assert rules_of(doc)[legal] == "legal"


def with_site(tmp_path: Path, site: str) -> pipeline.Rules:
    """The default rules with one more site section (YAML text indented under ``sites:``)."""
    base = Path(pipeline.rules.DEFAULT_RULES).read_text(encoding="utf-8")
    assert "\nsites:\n" in base
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(base.replace("\nsites:\n", "\nsites:\n" + site, 1), encoding="utf-8")
    return load_rules(rules_file)


INSURER = ("Family and individual plans are underwritten by Example Health Insurance Company. All insurance "
           "policies carry exclusions and limitations. These pages are not intended for residents of Nowhere.")


def test_the_legal_screen_finds_the_same_blocks_chunk_by_chunk(monkeypatch) -> None:
    # a huge page is screened a chunk of joined text at a time: chunk edges change nothing
    legal = ("Copyright 2024 Example Media LLC. All rights reserved. Use of this site constitutes acceptance "
             "of our User Agreement and Privacy Policy and Cookie Statement.")
    page = f"{BODY}\n\n{legal}\n\n{BODY2}\n\n{legal} Terms apply.\n\n{BODY}\n"
    whole = rules_of(run(page))
    monkeypatch.setattr(boilerplate, "LEGAL_SCREEN_CHUNK", 50)
    assert rules_of(run(page)) == whole
    assert [rule for text, rule in whole.items() if text.startswith("Copyright")] == ["legal", "legal"]


def test_an_insurers_terms_are_legal_only_under_its_site_rules(tmp_path: Path) -> None:
    # insurance vocabulary is content on most pages (a news story about insurance): an insurer's
    # terms are its site's legal footer, and that is a site rule
    rules = with_site(tmp_path, "  example-insurer.com:\n    boilerplate:\n"
                                "      legal: [insur, exclusions and limitations, not intended for residents]\n")
    text = f"{BODY}\n\n{BODY2}\n\n{INSURER}\n"
    assert INSURER in kept(run(text, stages=("header", "boilerplate"), rules=rules))
    doc = pipeline.run(pipeline.read(text, name="p.md", url="https://www.example-insurer.com/a", rules=rules),
                       rules, stages=["header", "boilerplate"])
    assert rules_of(doc)[INSURER] == "legal"


def test_a_highlights_section_of_the_article_is_content() -> None:
    items = ["The drug lowered blood sugar in most patients.", "Side effects were mild and went away.",
             "The trial ran for two years in ten centres."]
    text = "\n".join([f"{BODY}\n\n## Study highlights\n"] + [f"- {i}" for i in items] + [f"\n## Methods\n\n{BODY2}\n"])
    doc = run(text)
    assert kept(doc) == [BODY, "Study highlights", *items, "Methods", BODY2]


def test_a_site_section_may_not_set_generic_thresholds(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match=r"sites\.example\.org\.boilerplate\.link_density_max: the boilerplate stage does not read this from site rules"):
        with_site(tmp_path, "  example.org:\n    boilerplate:\n      link_density_max: 0.9\n")


def test_a_possessive_that_ends_prose_after_complete_sentences_is_an_unfinished_sentence() -> None:
    cut = "More about trials can be found on the institute's"
    doc = run(f"{BODY}\n\n{BODY2} {cut}\n\nLiving with Alzheimer's\n\n{BODY}\n")
    assert rules_of(doc)[cut] == "unfinished-sentence"
    assert "Living with Alzheimer's" in kept(doc)  # a title that ends in a possessive is whole


def test_title_lines_right_before_the_article_stay_and_ui_before_them_goes() -> None:
    text = f"Health Center\n\nFont Size\n\nKidney Stones: Treatment Overview\n\nSmall Stones\n\n{BODY}\n\n{BODY2}\n"
    doc = run(text)
    assert kept(doc)[:2] == ["Kidney Stones: Treatment Overview", "Small Stones"]
    assert rules_of(doc)["Health Center"] == "page-header"


def test_citations_under_a_references_heading_are_kept() -> None:
    cite = "Miller AB, Ortiz C, Nakamura K. Tumors of the adrenal gland. In: Hartley RJ, eds. Textbook of Surgery. 3rd ed. 2016:chap 42."
    doc = run(f"{BODY}\n\n{BODY2}\n\n## References\n\n{cite}\n\nPrivacy Policy\n")
    assert cite in kept(doc)
    assert "Privacy Policy" not in kept(doc)


def test_footer_after_the_article_is_removed() -> None:
    doc = run(f"{BODY}\n\n{BODY2}\n\nExample Institute of Health 1200 Sample Road, Springfield, IL 62701\n")
    assert kept(doc) == [BODY, BODY2]


def test_site_patterns_apply_only_to_their_site_and_not_without_site_rules(tmp_path: Path) -> None:
    rules = with_site(tmp_path, "  example.org:\n    boilerplate:\n      patterns:\n"
                                "        - {id: example-tagline, pattern: '^the example difference\\b.*', max_words: 30}\n")
    tagline = "The Example Difference is our promise to every reader and their family."
    text = f"{BODY}\n\n{tagline}\n\n{BODY2}\n"
    on_site = pipeline.run(pipeline.read(text, name="p.md", url="https://www.example.org/a", rules=rules),
                           rules, stages=["header", "boilerplate"])
    assert rules_of(on_site)[tagline] == "example-tagline"
    other = pipeline.run(pipeline.read(text, name="p.md", url="https://other.net/a", rules=rules),
                         rules, stages=["header", "boilerplate"])
    assert tagline in kept(other)
    off = pipeline.run(pipeline.read(text, name="p.md", url="https://www.example.org/a", rules=rules),
                       rules.without_sites(), stages=["header", "boilerplate"])
    assert tagline in kept(off)


def test_an_invalid_pattern_is_reported_with_file_line_and_key(tmp_path: Path) -> None:
    base = Path(pipeline.rules.DEFAULT_RULES).read_text(encoding="utf-8")
    broken = base.replace("- {id: skip-link, pattern: '", "- {id: skip-link, pattern: '(unclosed", 1)
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(broken, encoding="utf-8")
    with pytest.raises(RulesError) as err:
        load_rules(rules_file)
    message = str(err.value)
    assert str(rules_file) in message and "boilerplate.patterns[0].pattern" in message
    line = base[:base.index("id: skip-link")].count("\n") + 1
    assert f":{line}:" in message


def test_stage_is_usable_alone_and_keeps_every_line_accounted_for() -> None:
    text = f"Skip navigation\n\n{BODY}\n\nShare\n\n{BODY2}\n\nCopyright 2024 Example Inc. All rights reserved.\n"
    doc = boilerplate.stage(pipeline.read(text, name="p.txt"), load_rules())
    lines = {n for b in doc.kept for n in range(b.span.lines[0], b.span.lines[1] + 1)}
    lines |= {n for r in doc.removed for n in range(r.span.lines[0], r.span.lines[1] + 1)}
    nonblank = {i + 1 for i, line in enumerate(text.splitlines()) if line.strip()}
    assert nonblank <= lines
    assert doc.stages[-1] == "boilerplate"


def test_a_short_list_under_a_heading_in_the_article_is_content_not_a_menu() -> None:
    doc = run(f"{BODY}\n\n## Symptoms\n\n* Nausea\n* Weight loss\n* Dehydration\n\n{BODY2}\n")
    assert {"Nausea", "Weight loss", "Dehydration"} <= set(kept(doc))


def test_the_comment_section_after_the_article_goes_to_the_end_of_the_page() -> None:
    comment = "I completely agree with the author, this is exactly what my doctor told me last year as well."
    doc = run(f"{BODY}\n\n{BODY2}\n\n12 Comments\n\n{comment}\n\nmargo says:\n\n{comment} Thanks again for writing it.\n")
    assert kept(doc) == [BODY, BODY2]
    assert rules_of(doc)[comment] == "comments"


def test_a_forum_post_quoting_another_does_not_open_a_comment_section() -> None:
    reply = "I completely agree with the first post, this is exactly what my doctor told me last year as well."
    doc = run(f"{BODY}\n\n{BODY2}\n\nmargo wrote:\n\n{reply}\n")
    assert reply in kept(doc)
    assert rules_of(doc)["margo wrote:"] == "reply-attribution"


def test_on_a_page_that_calls_itself_a_thread_the_replies_after_the_opener_stay() -> None:
    reply = "I completely agree with the first post, this is exactly what my doctor told me last year as well."
    thread = (f'<html><head><script type="application/ld+json">{{"@type": "DiscussionForumPosting"}}</script>'
              f"</head><body><p>{BODY}</p><p>{BODY2}</p><p>12 Comments</p><p>{reply}</p></body></html>")
    rules = load_rules()
    doc = pipeline.run(pipeline.read(thread, name="t.html", rules=rules), rules, stages=["boilerplate"])
    assert reply in kept(doc)
    article = thread.replace("DiscussionForumPosting", "NewsArticle")
    doc = pipeline.run(pipeline.read(article, name="a.html", rules=rules), rules, stages=["boilerplate"])
    assert rules_of(doc)[reply] == "comments"


def test_a_comment_count_before_the_article_does_not_take_the_article() -> None:
    doc = run(f"12 Comments\n\n{BODY}\n\n{BODY2}\n")
    assert kept(doc) == [BODY, BODY2]


def test_short_article_paragraphs_before_a_subscribe_button_are_kept() -> None:
    paras = [f"The council voted {n} times on the new budget this week, and the mayor said the city will "
             f"publish the final figures on Friday after a review." for n in range(2, 6)]
    doc = run("\n\n".join([BODY] + paras + ["Subscribe", "Privacy Policy"]) + "\n")
    assert kept(doc) == [BODY] + paras


def test_blurbs_boxed_between_two_calls_to_action_are_a_promo() -> None:
    box = ["My Recipes", "Save your recipes, plan your meals, sign up for tips, build shopping lists and more."]
    doc = run("\n\n".join([BODY, "Get Started"] + box + ["Get Started", BODY2]) + "\n")
    assert kept(doc) == [BODY, BODY2]
    assert rules_of(doc)[box[1]] == "promo"


def test_a_byline_that_names_its_author_does_not_take_the_article_after_it() -> None:
    doc = run(f"Posted by Jane Doe\n\n{BODY}\n\n{BODY2}\n")
    assert kept(doc) == [BODY, BODY2]
    assert rules_of(doc)["Posted by Jane Doe"] == "byline"


def test_a_bare_written_by_line_takes_the_author_blurb_after_it() -> None:
    blurb = "Our staff includes pharmacists and dietitians with years of experience in heart health."
    doc = run(f"{BODY}\n\n{BODY2}\n\nWritten by\n\nThe Example editorial team\n\n{blurb}\n")
    assert kept(doc) == [BODY, BODY2]
    assert rules_of(doc)[blurb] == "byline"


# The body-region passes, one at a time, on blocks read from small markdown pages.

def body_parts(text: str):
    """The blocks of a markdown page, their features (English stopwords) and the rules they use."""
    rules = load_rules()
    doc = pipeline.run(pipeline.read(text, name="page.md", rules=rules), rules, stages=["markup"])
    r, tr = rules.stage("boilerplate"), rules.text
    blocks = list(doc.kept)
    return blocks, [boilerplate.features(b, stopword_lists()["en"], r, tr, "en") for b in blocks], r, tr


def test_a_near_good_run_touching_good_text_across_short_blocks_becomes_good_and_a_removed_block_ends_it() -> None:
    cls = ["near-good", "short", "good", "removed", "near-good", "bad", "near-good"]
    assert boilerplate._good_runs(cls) == ["good", "short", "good", "removed", "near-good", "bad", "near-good"]
    assert cls[0] == "near-good"  # the input is left as it was


def test_a_citation_under_a_references_heading_is_good_and_a_numbered_scrap_elsewhere_is_a_fragment() -> None:
    cite = "Baker A, Lund P. Small growths of the spleen in adults. J Surg Res. 2019;41(2):113-9. doi:10.1000/js.2019.113"
    blocks, feats, r, tr = body_parts(f"{BODY2}\n\n## References\n\n* {cite}\n\n## Further reading\n\nBaker; 2019.\n\n{BODY2}\n")
    verdict = boilerplate.Verdicts(len(blocks))
    cls = boilerplate._body_classes(blocks, feats, verdict, r)
    assert cls[2] == "bad"  # alone, a citation reads as no prose
    assert boilerplate._references_context(blocks, feats, cls, verdict, r, tr) == \
        ["good", "heading", "good", "heading", "removed", "good"]
    assert list(verdict) == [None, None, None, None, "fragment", None]


def test_the_head_chain_keeps_the_heading_before_the_article_and_stops_at_ui_removed_before_it() -> None:
    blocks, feats, r, _ = body_parts(f"Sign in\n\nShare\n\n# Spleen growths\n\nPrint\n\n{BODY2}\n")
    cls = ["short", "removed", "heading", "removed", "good"]
    assert boilerplate._head_titles(blocks, feats, cls, 4, r) == {2}


def test_a_title_line_the_header_repeats_is_kept_as_the_page_title() -> None:
    blocks, feats, _, _ = body_parts(f"Spleen Growths\n\nHome\n\nSpleen Growths\n\n{BODY2}\n")
    assert boilerplate._repeated_head_titles(feats, [0, 1, 2, 3], 3) == {2}


def test_comments_are_cut_only_from_an_opener_after_most_of_the_article() -> None:
    reply = "Thank you for this, my sister had the same operation last spring and it went well."
    blocks, feats, r, _ = body_parts(f"12 Comments\n\n{BODY}\n\n{BODY2}\n\n12 Comments\n\n{reply}\n")
    verdict = boilerplate.Verdicts(len(blocks))
    verdict[0] = verdict[3] = r.comments_opener
    assert boilerplate._comments(blocks, feats, [1, 2], verdict, r) == 3
    assert list(verdict) == [r.comments_opener, None, None, r.comments_opener, "comments"]
    assert verdict.why[4] == "after the comments opener at line 7"


def test_outside_the_article_a_weak_menu_is_a_menu_and_other_lines_are_header_or_footer() -> None:
    blocks, _, _, _ = body_parts(f"Home\n\nNausea\n\n# Spleen growths\n\n{BODY}\n\n{BODY2}\n\nContact us\n")
    verdict = boilerplate.Verdicts(len(blocks))
    boilerplate._header_footer(blocks, list(range(6)), 3, 4, {2}, {1}, verdict)
    assert list(verdict) == ["page-header", "menu", None, None, None, "page-footer"]
    assert verdict.why[0] == "before the first article text (line 7)"


UI_AND_TEXT_LINES = [
    "Skip to main content", "Share this page", "SIGN UP", "Read more »", "Home > Health > Diabetes",
    "Posted on May 3, 2021", "12:30 pm", "Jane Doe says:", "3 Comments", "Call: (555) 123-4567",
    "example.com | 555-1234", "Acme Health logo", "Image caption: a man at a desk", "2 of 5",
    "We use cookies to improve your experience on this website, see our cookie policy.",
    "By Jane Doe, Staff Writer", "Back to the top", "Next article »", "Please enter your e-mail address",
    "Diabetes is a disease in which your blood glucose is too high.", "Symptoms of diabetes",
    "Treatment options include:", "A", "", "ſign up", "SHARE THİS", "Sharing is caring",
]


@pytest.mark.parametrize("words", [0, 3, 6, 12, 25, 60, 61])
def test_the_screens_pass_every_pattern_that_matches_a_line_first(words: int) -> None:
    # the screens only spare patterns that cannot match: the first matching pattern is the same
    r = load_rules().stage("boilerplate")
    screens = boilerplate.screens_of(r)
    from bisect import bisect_left

    tier = bisect_left(screens.limits, words)
    for line in UI_AND_TEXT_LINES:
        first = next((p for p in r.patterns if words <= p.max_words and p.regex.search(line)), None)
        if tier == len(screens.limits):
            assert first is None
            continue
        screened = next((p for p in screens.tiers[tier].candidates(screens.fold(line), line) if p.regex.search(line)), None)
        assert screened is first, (line, words)


def test_blocks_of_one_text_and_link_share_are_measured_once_with_the_features_each_would_have() -> None:
    text = "- [Home](/)\n- [Share](/s)\n\nSome text here.\n\n- [Home](/)\n\nHome\n"
    blocks, alone, r, tr = body_parts(text)
    shared = boilerplate._page_features(blocks, stopword_lists()["en"], r, tr, "en")
    assert shared == alone
    assert shared[0] is shared[3] and shared[0] is not shared[4]  # "Home" as a link, and as plain text


LISTING = [f"[{title}](https://news.example/{n})" for n, title in enumerate((
    "City council approves the new riverside park plan", "Storm closes three mountain roads for the weekend",
    "Local bakery wins a national bread award", "School year to start a week later this autumn",
    "Museum reopens its east wing after two years", "Ferry timetable changes from next Monday"))]


def test_a_listing_page_keeps_its_linked_entries() -> None:
    # a page that is a list of linked headlines and little else: the headlines are the page
    doc = run("# Latest news\n\n" + "\n\n".join(LISTING) + "\n")
    assert [t for t in kept(doc) if t != "Latest news"] == [
        "City council approves the new riverside park plan", "Storm closes three mountain roads for the weekend",
        "Local bakery wins a national bread award", "School year to start a week later this autumn",
        "Museum reopens its east wing after two years", "Ferry timetable changes from next Monday"]


def test_linked_headlines_beside_an_article_stay_links_around_it() -> None:
    article = "\n\n".join([BODY, BODY2] * 4)  # an article's worth of prose (over 300 words)
    doc = run(f"{article}\n\n## Read next\n\n" + "\n\n".join(LISTING) + "\n")
    assert kept(doc)[:8] == [BODY, BODY2] * 4
    assert rules_of(doc)["Local bakery wins a national bread award"] == "link-list"


def test_a_catalogue_without_prose_keeps_its_entries() -> None:
    # entries linked only in part, no sentence anywhere: no-content took them, the listing gives them back
    entries = [f'<li><a href="/b{i}">Illustrated catalogue of {w} fittings</a> (Hall &amp; Co., 19{10 + i}), by Ann Hall</li>'
               for i, w in enumerate(["door", "window", "cabinet", "stair", "garden", "kitchen"])]
    doc = html_run(f"<html><body><h1>Hardware catalogues</h1><ul>{''.join(entries)}</ul></body></html>")
    assert kept(doc) == [f"Illustrated catalogue of {w} fittings (Hall & Co., 19{10 + i}), by Ann Hall"
                         for i, w in enumerate(["door", "window", "cabinet", "stair", "garden", "kitchen"])]


JOBS = [("Senior data engineer", "Northwind Traders"), ("Frontend developer", "Contoso Ltd"),
        ("Support team lead", "Fabrikam Inc"), ("Product designer", "Tailspin Toys"),
        ("Site reliability engineer", "Adventure Works"), ("Technical writer", "Wide World Importers")]


def job_cards(card_class: str) -> str:
    return "".join(f'<li class="{card_class}"><a href="/j{i}"><h3>{t}</h3></a><p><a href="/c{i}">{c}</a></p>'
                   f'<p><a href="/r">Remote</a></p><p><a href="/new">New</a></p></li>' for i, (t, c) in enumerate(JOBS))


def test_a_grid_of_cards_keeps_the_short_parts_of_every_card() -> None:
    # each card is a title, a company, a place and a label: short linked lines the link-list rule
    # takes one by one; six cards alike under one list are the page
    doc = html_run(f"<html><body><h1>Remote jobs</h1><ul>{job_cards('listing-card')}</ul></body></html>")
    assert ["Senior data engineer", "Northwind Traders", "Remote", "New"] == kept(doc)[:4]
    assert len(kept(doc)) == 4 * len(JOBS)


def test_cards_need_a_page_that_is_theirs() -> None:
    # beside an article's worth of prose, the same cards are links around it; a blank class is no card name
    article = "".join(f"<p>{t}</p>" for t in [BODY, BODY2] * 4)
    doc = html_run(f"<html><body><article>{article}</article><ul>{job_cards('listing-card')}</ul></body></html>")
    assert "Northwind Traders" not in kept(doc)
    doc = html_run(f"<html><body><h1>Remote jobs</h1><ul>{job_cards('  ')}</ul></body></html>")
    assert "Northwind Traders" in kept(doc)


def test_a_few_linked_headlines_are_no_listing() -> None:
    doc = run(f"{BODY}\n\n" + "\n\n".join(LISTING[:4]) + "\n")
    assert rules_of(doc)["Local bakery wins a national bread award"] == "link-list"


def html_run(html: str):
    rules = load_rules()
    return pipeline.run(pipeline.read(html, name="page.html", rules=rules), rules)


def test_what_shares_the_articles_element_is_not_dropped_for_where_it_stands() -> None:
    # a short line after the last prose block: inside the article it is the article's own note,
    # outside it the page's footer
    note = "<p>Walk times are for an adult at an easy pace</p>"
    doc = html_run(f"<body><article><p>{BODY}</p><p>{BODY2}</p>{note}</article><div>{note.replace('Walk', 'All walk')}</div></body>")
    assert [b.text for b in doc.kept] == [BODY, BODY2, "Walk times are for an adult at an easy pace"]
    assert rules_of(doc) == {"All walk times are for an adult at an easy pace": "page-footer"}


def test_the_date_lines_it_drops_date_the_page() -> None:
    doc = run(f"# Walks\n\nPublished July 8, 2025 | 4 min read\n\nLast updated: 3 March 2026\n\n{BODY}\n\n{BODY2}\n")
    assert rules_of(doc)["Published July 8, 2025 | 4 min read"] == "dateline"
    assert {k: doc.meta.get(k) for k in ("published", "modified")} == {"published": "2025-07-08", "modified": "2026-03-03"}


def test_a_review_date_is_no_publication_date() -> None:
    doc = run(f"{BODY}\n\n{BODY2}\n\nReview Date 10/18/2018\n")
    assert (doc.meta.get("published"), doc.meta.get("reviewed")) == (None, "2018-10-18")


def test_a_byline_may_set_its_date_apart_with_a_bullet() -> None:
    doc = run(f"# Walks\n\nBy Ann Lee • March 12, 2025\n\n{BODY}\n\n{BODY2}\n")
    assert rules_of(doc)["By Ann Lee • March 12, 2025"] == "byline"
    assert (doc.meta.get("author"), doc.meta.get("published")) == ("Ann Lee", "2025-03-12")


def test_the_first_byline_it_drops_names_the_author() -> None:
    doc = run(f"# Walks\n\nWritten by Ann Lee, PhD on April 29, 2018\n\n{BODY}\n\n{BODY2}\n")
    assert rules_of(doc)["Written by Ann Lee, PhD on April 29, 2018"] == "byline"
    assert (doc.meta.get("author"), doc.meta.get("published")) == ("Ann Lee", "2018-04-29")


def test_a_reviewers_line_or_a_filter_label_names_no_author() -> None:
    doc = run(f"Medically reviewed by Bo Chan, MD\n\n{BODY}\n\n{BODY2}\n")
    assert doc.meta.get("author") is None


def test_a_date_line_with_its_time_and_zone_is_a_dateline_in_any_order() -> None:
    lines = ["Updated 9:05 pm EST, Friday, March 6, 2026", "Posted: Thu 6:45 PM, Feb 5, 2026 | Updated: 7:10 PM"]
    doc = run("# Walks\n\n" + "\n\n".join(lines) + f"\n\n{BODY}\n\n{BODY2}\n")
    assert [rules_of(doc).get(line) for line in lines] == ["dateline", "dateline"]
    assert doc.meta.get("modified") == "2026-03-06"


def test_an_event_time_without_a_year_or_label_is_not_a_dateline() -> None:
    doc = run(f"# Talks\n\n{BODY}\n\nWed, Apr 1, 10:00 AM PDT\n\n{BODY2}\n")
    assert "Wed, Apr 1, 10:00 AM PDT" in [b.text for b in doc.kept]


def test_a_picture_credit_goes_as_a_caption() -> None:
    credits = ["Jane Roe | Getty Images", "(Jane Roe / Associated Press)", "Crowds at the harbour gate (Image: Getty)"]
    doc = run(f"# Walks\n\n{BODY}\n\n" + "\n\n".join(credits) + f"\n\n{BODY2}\n")
    assert [rules_of(doc).get(line) for line in credits] == ["caption"] * 3


def test_a_sentence_that_names_a_news_agency_is_not_a_credit() -> None:
    line = "The Associated Press reported the closure of the harbour gate on Monday."
    doc = run(f"# Walks\n\n{BODY}\n\n{line}\n\n{BODY2}\n")
    assert line in [b.text for b in doc.kept]


def test_a_storys_short_paragraphs_between_two_read_more_links_are_not_a_promo_box() -> None:
    story = ["The harbour gate opened again on Monday after a week of repairs to its rusted hinges, "
             "which had left the ferry terminal closed to cars and lorries since the storm last month.",
             "Crews worked through the night to replace the two upper hinges and the old lock, and the "
             "port authority said the work had cost less than the estimate it gave the council.",
             "The city expects the ferry service to run on its usual timetable from Tuesday, with two "
             "extra crossings on Saturday to clear the queue of lorries still waiting at the gate."]
    text = (f"# Harbour\n\n{BODY}\n\nRead more: Ferry fares rise in spring\n\n" + "\n\n".join(story)
            + "\n\nRead more: New lights for the pier\n\n" + BODY2 + "\n")
    doc = run(text)
    assert all(line in [b.text for b in doc.kept] for line in story)


def test_short_unlinked_lines_before_a_heading_are_no_menu_where_the_page_marks_its_links() -> None:
    plan = ["Eat before nine in the morning", "Oat porridge with pears", "Green tea without sugar"]
    lines = "".join(f"<p>{line}</p>" for line in plan)
    doc = html_run(f"<body><article><p>{BODY}</p><h2>Breakfast</h2>{lines}<h2>Lunch</h2><p>{BODY2}</p></article></body>")
    assert all(line in [b.text for b in doc.kept] for line in plan)
    linked = "".join(f'<p><a href="/{i}">{line}</a></p>' for i, line in enumerate(plan))
    doc = html_run(f"<body><article><p>{BODY}</p><h2>Breakfast</h2>{linked}<h2>Lunch</h2><p>{BODY2}</p></article></body>")
    assert not any(line in [b.text for b in doc.kept] for line in plan)


def test_bare_page_labels_and_a_tag_line_go_as_page_facts() -> None:
    lines = ["Author:", "Publish date:", "Tags: Harbour, Ferries, Storms"]
    doc = run(f"# Walks\n\n{BODY}\n\n" + "\n\n".join(lines) + f"\n\n{BODY2}\n")
    assert [rules_of(doc).get(line) for line in lines] == ["page-facts"] * 3


def test_a_byline_with_its_date_after_the_names_is_a_byline_that_dates_the_page() -> None:
    line = "By Ann Lee and Tom Roe November 19, 2025, 7:53pm EST"
    doc = run(f"# Walks\n\n{line}\n\n{BODY}\n\n{BODY2}\n")
    assert rules_of(doc)[line] == "byline" and doc.meta.get("published") == "2025-11-19"


def test_a_sentence_opening_with_by_and_a_date_is_no_byline() -> None:
    line = "By January 5, 2026 the ferry will run twice an hour."
    doc = run(f"# Walks\n\n{BODY}\n\n{line}\n\n{BODY2}\n")
    assert line in [b.text for b in doc.kept]


def test_a_results_page_without_prose_keeps_what_its_article_element_holds() -> None:
    results = ["Harbour d. Bayside 53-9", "Bayside (0-1): Ann Lee 4 points.", "Northgate d. Westfield 61-21"]
    lines = "".join(f"<p>{line}</p>" for line in results)
    doc = html_run(f"<body><nav><a href='/'>Home</a></nav><article><h1>Scores</h1>{lines}</article>"
                   f"<div><p>Contact us</p><p>Jobs</p></div></body>")
    assert [b.text for b in doc.kept if b.text in results] == results
    assert rules_of(doc).get("Contact us") == "no-content"


def test_a_comments_attribution_with_its_date_opens_the_comment_section() -> None:
    doc = run(f"# Walks\n\n{BODY}\n\n{BODY2}\n\nharbourfan99 says: November 19, 2025 at 6:34 am\n\n"
              "Great walk, we did it last weekend with the kids and loved it.\n")
    assert rules_of(doc).get("Great walk, we did it last weekend with the kids and loved it.") == "comments"
