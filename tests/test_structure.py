"""structure: HTML blocks inside page furniture go, judged by the elements around them."""
from __future__ import annotations

import pytest

import pipeline
from pipeline.document import Block, Container, Document, Span
from pipeline.stages import structure

PROSE = ("The river rose through the night and by morning the lower streets of the town were under water, "
         "so the council opened the school hall to the families who had to leave their homes.")


@pytest.fixture(scope="module")
def rules():
    return pipeline.load_rules()


def judged(html: str, rules) -> list[tuple[str, str | None]]:
    doc = structure.stage(pipeline.read(html, name="x.html", rules=rules), rules)
    return [(b.text[:20], b.drop.rule if b.drop else None) for b in doc.blocks]


def page(*parts: str) -> str:
    return "<html><body>" + "".join(parts) + f"<main><p>{PROSE}</p><p>{PROSE}</p></main></body></html>"


def test_blocks_in_nav_footer_and_aside_go_with_the_rule_of_each(rules):
    html = page('<nav><a href="/">Home</a></nav>', '<aside><p>Popular this week</p></aside>',
                '<footer><p>Contact us</p></footer>')
    assert judged(html, rules)[:3] == [("Home", "navigation"), ("Popular this week", "sidebar"),
                                       ("Contact us", "page-footer")]
    assert [r for _, r in judged(html, rules)[3:]] == [None, None]


def test_class_and_id_words_are_split_at_dashes_and_case_changes(rules):
    html = page('<div class="site-footer"><p>All rights reserved</p></div>', '<div id="mainNav"><p>Sections</p></div>',
                '<div class="shadow"><p>Not a word of the lists</p></div>')
    assert [r for _, r in judged(html, rules)[:3]] == ["page-footer", "navigation", None]
    assert structure.name_words("site-footer mainNav XMLHttp") == {"site", "footer", "main", "nav", "xml", "http"}
    # generated names hold no words: hashes, and camel-case parts too short to be words
    assert structure.name_words("w-node-b5343ad4 root__adKqa sp_adID") == {"w", "node", "root", "adkqa", "sp", "adid"}


def test_a_layout_modifier_class_on_the_main_column_says_nothing_of_it(rules):
    # "has-rail-right" says the wrapper has a rail beside it, not that it is one
    html = ('<body><div class="main-wrap has-rail-right"><p>' + PROSE + '</p></div><div class="rail">'
            '<p>Most read</p><p>Five walks by the river</p></div><div class="more"><p>' + PROSE + '</p></div></body>')
    assert [r for _, r in judged(html, rules)] == [None, "sidebar", "sidebar", None]
    assert structure.name_words("main-wrap has-rail-right", frozenset({"has"})) == {"main", "wrap"}


def test_an_articles_comment_thread_and_related_links_go(rules):
    html = page('<div id="comments"><p>Great post, thanks.</p></div>',
                '<section class="related-posts"><p>Five walks by the river</p></section>')
    assert judged(html, rules)[:2] == [("Great post, thanks.", "comments"), ("Five walks by the ri", "related")]


def test_customer_reviews_are_comments_and_a_disclaimer_box_goes(rules):
    html = page('<section class="product-reviews"><p>Great kettle, boils fast.</p></section>',
                '<div class="pdp-disclaimer"><p>Colours may vary from the pictures.</p></div>')
    assert judged(html, rules)[:2] == [("Great kettle, boils ", "comments"), ("Colours may vary fro", "disclaimer")]


def test_overlays_and_off_canvas_panels_are_dialogs(rules):
    html = page('<div class="entrance-overlay"><p>Sign up for 10% off</p></div>',
                '<div class="offcanvas-body"><p>Forgot your password?</p></div>')
    assert [r for _, r in judged(html, rules)[:2]] == ["dialog", "dialog"]


def test_an_articles_thread_goes_even_when_it_outgrows_the_article(rules):
    # a comments entry has its own, higher shares: two comments of three prose blocks still go
    html = page(f'<div class="comments"><p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p></div>')
    assert [r for _, r in judged(html, rules)] == ["comments"] * 4 + [None, None]


def test_a_furniture_entry_may_set_its_own_shares_within_range(tmp_path, rules):
    cfg = rules.stage("structure")
    shares = {f.id: f.max_prose_share for f in cfg.furniture}
    assert (shares["comments"], shares["navigation"]) == (0.8, cfg.max_prose_share)
    text = pipeline.rules.DEFAULT_RULES.read_text(encoding="utf-8").replace(
        "      max_prose_share: 0.8\n", "      max_prose_share: 1.5\n")
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(pipeline.rules.RulesError, match=r"structure.furniture.*max_prose_share"):
        pipeline.load_rules(path)


def test_a_thread_that_is_the_page_keeps_its_comments(rules):
    # a forum thread: the posts are the page's prose, not furniture around it
    html = f'<html><body><h1>Flooded cellar?</h1><div class="comments"><p>{PROSE}</p><p>{PROSE}</p></div></body></html>'
    assert [r for _, r in judged(html, rules)] == [None, None, None]


def test_a_menu_of_links_is_navigation_however_much_of_the_page_it_holds(rules):
    # a mega-menu of story links outweighs a short article; a wrapper of the prose does not go
    links = "".join(f'<li><a href="/s{i}">Council opens the school hall to families number {i}</a></li>' for i in range(12))
    html = f"<html><body><nav><ul>{links}</ul></nav><div class='nav-wrap'><p>{PROSE}</p></div></body></html>"
    verdicts = [r for _, r in judged(html, rules)]
    assert verdicts == ["navigation"] * 12 + [None]


def test_an_article_per_comment_inside_a_comment_thread_is_still_the_thread(rules):
    comments = "".join(f"<article class='comment-body'><p>Reply {i}: {PROSE}</p></article>" for i in range(2))
    html = page(f'<div class="comments">{comments}</div>')
    assert [r for _, r in judged(html, rules)] == ["comments", "comments", None, None]


def test_a_thread_under_an_article_goes_however_long_unless_the_page_calls_itself_a_thread(rules):
    # the article holds 600+ characters of prose outside its thread, which outweighs it three times
    thread = "".join(f"<article><p>Reply {i}: {PROSE}</p></article>" for i in range(12))
    body = f"<article>{4 * f'<p>{PROSE}</p>'}<div id='comments'>{thread}</div></article>"
    html = f"<html><head>{{}}</head><body>{body}</body></html>"
    assert [r for _, r in judged(html.format(""), rules)] == [None] * 4 + ["comments"] * 12
    forum = '<script type="application/ld+json">{"@type": "DiscussionForumPosting"}</script>'
    assert [r for _, r in judged(html.format(forum), rules)] == [None] * 16


def test_roles_and_hidden_elements_are_furniture(rules):
    html = page('<div role="search"><p>Search this site</p></div>', '<div hidden><p>Sign in to continue</p></div>')
    assert [r for _, r in judged(html, rules)[:2]] == ["search", "hidden"]


def test_content_inside_furniture_is_kept_and_furniture_inside_content_goes(rules):
    html = ('<body><div class="sidebar-layout"><article><p>' + PROSE + '</p><div class="share"><a href="/s">Share</a></div>'
            '</article></div><div class="sidebar"><p>Other stories</p></div></body>')
    assert [r for _, r in judged(html, rules)] == [None, "share", "sidebar"]


def test_an_articles_own_header_and_footer_are_not_page_furniture(rules):
    html = ('<body><header><p>Site name</p></header><article><header><h1>The flood</h1></header><p>' + PROSE +
            '</p><footer><p>Filed under weather</p></footer></article></body>')
    assert [r for _, r in judged(html, rules)] == ["page-header", None, None, None]


def test_a_furniture_word_on_the_container_of_the_pages_prose_does_not_drop_it(rules):
    html = ('<body><div class="content-with-sidebar"><p>' + PROSE + '</p><p>' + PROSE + '</p></div>'
            '<div class="sidebar"><p>Other stories</p></div></body>')
    assert [r for _, r in judged(html, rules)] == [None, None, "sidebar"]


def test_the_reason_names_the_element_and_the_word_that_decided(rules):
    doc = structure.stage(pipeline.read(page('<div class="newsletter-box"><p>Sign up now</p></div>'),
                                        name="x.html", rules=rules), rules)
    assert doc.blocks[0].drop.why == 'in <div> named newsletter ("newsletter-box")'


def test_text_pages_pass_through(rules):
    doc = pipeline.read("Menu\n\nSome text here.\n", name="x.txt", rules=rules)
    assert pipeline.run(doc, rules, stages=["structure"]).blocks == doc.blocks


def test_a_deeply_nested_page_is_judged_without_recursion(rules):
    # deeper than Python's recursion limit (lxml itself stops far earlier; a reader may not)
    c = Container(None, "div", "sidebar", None, False)
    for _ in range(5000):
        c = Container(c, "div", "x", None, False)
    block = Block("paragraph", "Deep text.", Span(None, (1, 1)), container=c)
    doc = structure.stage(Document(name="x.html", format="html", blocks=(block,)), rules)
    assert [b.drop.rule for b in doc.blocks] == ["sidebar"]


def test_furniture_entries_need_an_id(tmp_path):
    text = pipeline.rules.DEFAULT_RULES.read_text(encoding="utf-8").replace("    - id: search\n", "    - id: ''\n")
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(pipeline.rules.RulesError, match="structure.furniture"):
        pipeline.load_rules(path)


def test_a_hidden_panel_that_holds_prose_is_kept_and_a_hidden_menu_goes(rules):
    html = ('<body><div class="menu-panel" hidden><ul><li><a href="/a">Shop</a></li></ul></div>'
            f'<div class="tab-panel" style="display:none"><p>{PROSE}</p></div><main><p>{PROSE}</p></main></body>')
    assert [r for _, r in judged(html, rules)] == ["hidden", None, None]


def head_meta(html: str, rules) -> dict:
    doc = structure.stage(pipeline.read(html, name="x.html", rules=rules), rules)
    return {k: doc.meta.get(k) for k in ("published", "modified")}


def test_a_date_in_the_byline_under_the_title_is_the_published_date(rules):
    html = page("<h1>Floods in the valley</h1><p>By Ann Lee | March 4, 2023</p>")
    assert head_meta(html, rules) == {"published": "2023-03-04", "modified": None}


def test_an_updated_line_at_the_head_gives_only_the_modified_date(rules):
    html = page("<h1>Floods in the valley</h1><div>Last updated: 9 June 2024</div>")
    assert head_meta(html, rules) == {"published": None, "modified": "2024-06-09"}


def test_a_date_the_markup_states_wins_over_the_head(rules):
    html = page('<h1>Floods in the valley</h1><p>By Ann Lee | March 4, 2023</p>').replace(
        "<html>", '<html><head><meta property="article:published_time" content="2020-01-02"></head>')
    assert head_meta(html, rules)["published"] == "2020-01-02"


def test_dates_of_several_lines_under_the_title_are_a_list_not_the_page_date(rules):
    html = page("<h1>Latest posts</h1><p>Spring planting, 3 March 2024</p><p>Winter pruning, 2 Jan 2024</p>")
    assert head_meta(html, rules) == {"published": None, "modified": None}


def test_a_date_after_the_first_paragraph_of_prose_is_not_the_page_date(rules):
    html = "<html><body><main><h1>Floods</h1>" + f"<p>{PROSE}</p><p>Ann Lee, March 4, 2023</p><p>{PROSE}</p></main></body></html>"
    assert head_meta(html, rules) == {"published": None, "modified": None}


LONG = " ".join([PROSE] * 4)  # a page needs min_prose_chars of prose before it has a content region


def test_what_follows_the_block_that_holds_the_prose_goes_as_after_content(rules):
    teasers = "".join(f'<div class="card"><a href="/s{i}">Other story {i}</a><p>{PROSE}</p></div>' for i in range(2))
    html = f'<html><body><div class="story"><p>{LONG}</p><p>{LONG}</p></div>{teasers}</body></html>'
    assert [r for _, r in judged(html, rules)] == [None, None] + ["after-content"] * 4


def test_prose_spread_over_sibling_sections_has_no_content_region(rules):
    parts = "".join(f'<div class="part{i}"><p>{LONG}</p></div>' for i in range(3))
    html = f"<html><body>{parts}</body></html>"
    assert [r for _, r in judged(html, rules)] == [None, None, None]


def test_a_short_byline_right_after_the_content_is_left_to_the_text_stages(rules):
    html = (f'<html><body><div class="story"><p>{LONG}</p><p>{LONG}</p></div><p>Written by Ann Lee</p>'
            f'<div class="more"><a href="/a">Read next</a></div></body></html>')
    assert [r for _, r in judged(html, rules)] == [None, None, None, "after-content"]


def test_blocks_before_the_title_heading_outside_the_content_region_go_as_before_title(rules):
    html = (f'<html><body><div class="strip"><p>Markets fall again</p></div><h1>Floods in the valley</h1>'
            f'<div class="story"><p>{LONG}</p><p>{LONG}</p></div></body></html>')
    assert [r for _, r in judged(html, rules)] == ["before-title", None, None, None]


def test_the_one_article_element_is_the_content_region_where_teasers_after_it_outweigh_it(rules):
    teasers = "".join(f'<div class="card"><p>{LONG}</p></div>' for i in range(3))
    html = f'<html><body><article><p>{LONG}</p><p>{LONG}</p></article>{teasers}</body></html>'
    assert [r for _, r in judged(html, rules)] == [None, None] + ["after-content"] * 3


def test_several_article_elements_are_a_feed_not_a_content_region(rules):
    stories = "".join(f'<article><p>{LONG}</p><p>{LONG}</p></article>' for i in range(2))
    html = f'<html><body>{stories}<div class="card"><p>{LONG}</p></div></body></html>'
    assert [r for _, r in judged(html, rules)] == [None] * 5


def test_a_figure_caption_goes_with_its_picture(rules):
    html = (f'<html><body><article><p>{PROSE}</p><figure><img src="a.jpg">'
            f'<figcaption>The harbour at dawn (Photo: Ann Lee)</figcaption></figure><p>{PROSE}</p></article></body></html>')
    assert [r for _, r in judged(html, rules)] == [None, "figure-caption", None]


def test_a_card_body_named_caption_is_not_a_picture_caption(rules):
    card = '<div class="caption"><h3>Desk lamp</h3><p>Brass, 40 cm</p><p>Price: $40</p></div>'
    html = f'<html><body><main><p>{PROSE}</p>{card}</main></body></html>'
    assert [r for _, r in judged(html, rules)] == [None, None, None, None]


def test_a_breaking_news_strip_goes_as_a_ticker(rules):
    strip = '<div class="breaking-news"><ul><li>Storm closes the coast road</li><li>Mayor opens the bridge</li></ul></div>'
    html = f'<html><body>{strip}<main><p>{PROSE}</p></main></body></html>'
    assert [r for _, r in judged(html, rules)] == ["ticker", "ticker", None]


def test_the_authors_blurb_goes_as_author_bio(rules):
    html = f'<html><body><main><p>{PROSE}</p><div class="author-bio"><p>Ann Lee writes about the coast.</p></div></main></body></html>'
    assert [r for _, r in judged(html, rules)] == [None, "author-bio"]
