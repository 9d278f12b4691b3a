"""HTML reader: one lxml parse -> Blocks with kinds, levels, link counts and XPath/line spans."""
from __future__ import annotations

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipeline
from pipeline.document import Block
from pipeline.sources import SourceError
from pipeline.sources.html import collapse


def blocks(html: str) -> list[Block]:
    return list(pipeline.read(html, name="x.html").blocks)


def summary(html: str) -> list[tuple[str, int, str]]:
    return [(b.kind, b.level, b.text) for b in blocks(html)]


def test_html_name_selects_the_html_reader():
    doc = pipeline.read("<p>Hello</p>", name="x.html")
    assert doc.format == "html"
    assert doc.stages[-1] == "read-html"


def test_headings_paragraphs_quotes_and_code_get_their_kinds():
    html = ("<body><h1>Title</h1><h3>Sub</h3><p>Text here.</p><blockquote>Said so.</blockquote>"
            "<pre>x = 1\n  y = 2</pre><address>1 Main St</address></body>")
    assert summary(html) == [
        ("heading", 1, "Title"), ("heading", 3, "Sub"), ("paragraph", 0, "Text here."),
        ("quote", 0, "Said so."), ("code", 0, "x = 1\n  y = 2"), ("paragraph", 0, "1 Main St"),
    ]


def test_list_items_carry_their_nesting_depth():
    html = "<ul><li>One<ul><li>Two<ol><li>Three</li></ol></li></ul></li><li>Four</li></ul>"
    assert summary(html) == [
        ("list_item", 0, "One"), ("list_item", 1, "Two"), ("list_item", 2, "Three"), ("list_item", 0, "Four"),
    ]


def test_paragraphs_inside_list_items_and_quotes_keep_the_outer_kind():
    html = "<ul><li><p>Item text</p></li></ul><blockquote><p>Quoted text</p></blockquote>"
    assert summary(html) == [("list_item", 0, "Item text"), ("quote", 0, "Quoted text")]


def test_inline_markup_is_flattened_and_whitespace_collapsed():
    html = "<p>A <b>bold</b>\n   and <em>em</em>phasis, <span>x</span><code>y</code>&nbsp;z.<br>Next</p>"
    assert [b.text for b in blocks(html)] == ["A bold and emphasis, xy z. Next"]


def test_nested_block_children_are_not_repeated_in_the_parent():
    html = "<div>Before <p>Inner paragraph</p> after<section><p>Deep</p></section></div>"
    texts = [b.text for b in blocks(html)]
    assert texts == ["Before", "Inner paragraph", "after", "Deep"]


def test_link_chars_count_anchor_text_only():
    (block,) = blocks('<p>See <a href="/a">the guide</a> and <a href="/b">FAQ</a> today</p>')
    assert block.text == "See the guide and FAQ today"
    assert block.link_chars == len("the guide") + len("FAQ")


def test_link_chars_include_spaces_inside_a_link():
    (block,) = blocks('<li><a href="/">Home   page</a></li>')
    assert block.link_chars == len(block.text) == len("Home page")


def test_table_rows_join_their_cells():
    html = "<table><tr><th>Drug</th><th>Dose</th></tr><tr><td>Iron</td><td><a href='#'>200</a> mg</td></tr></table>"
    bs = blocks(html)
    assert [(b.kind, b.text) for b in bs] == [("table", "Drug | Dose"), ("table", "Iron | 200 mg")]
    assert bs[1].link_chars == 3
    assert bs[1].span.xpath == "/html/body/table/tr[2]"


def test_layout_table_cells_with_block_content_become_paragraphs():
    html = "<table><tr><td>Side</td><td><h2>Head</h2><p>Body text.</p></td></tr><tr><td>Alone</td></tr></table>"
    assert summary(html) == [
        ("paragraph", 0, "Side"), ("heading", 2, "Head"), ("paragraph", 0, "Body text."), ("paragraph", 0, "Alone"),
    ]


def test_non_content_elements_make_no_blocks_but_their_tails_stay():
    html = ("<html><head><style>p {color: red}</style><script>var a = 1;</script></head><body>"
            "<p>Kept<script>document.write('x')</script> text</p><noscript>Enable JS</noscript>"
            "<template><p>Hidden template</p></template><svg><text>Chart</text></svg>"
            "<p>Second</p></body></html>")
    assert [b.text for b in blocks(html)] == ["Kept text", "Second"]


def test_a_script_built_page_is_read_from_its_noscript_content():
    # the shell shows a loading splash; crawlers and script-less browsers get the posts in <noscript>
    html = ("<body><div id='splash'><style>.dots {}</style></div><noscript><style>#splash {}</style></noscript>"
            "<noscript><header><a href='/'>Board</a></header><div role='main'><h1>Which lens?</h1>"
            "<p>I am choosing between two lenses for portraits and would like advice.</p>"
            "<p>The longer one gives softer backgrounds, in my experience, and it is easier to keep a "
            "comfortable distance from people who are not used to being photographed.</p></div></noscript></body>")
    assert [b.text for b in blocks(html)] == [
        "Board", "Which lens?", "I am choosing between two lenses for portraits and would like advice.",
        "The longer one gives softer backgrounds, in my experience, and it is easier to keep a comfortable "
        "distance from people who are not used to being photographed.",
    ]


def test_noscript_beside_a_page_of_text_stays_unread():
    html = ("<body><noscript><iframe src='https://tracker.example/ns'></iframe>Please enable JavaScript.</noscript>"
            "<p>The article itself is here, in plain markup, and it is longer than the notice.</p></body>")
    assert [b.text for b in blocks(html)] == ["The article itself is here, in plain markup, and it is longer than the notice."]


def test_a_script_app_with_only_a_javascript_notice_has_no_text():
    assert blocks("<body><div id='root'></div><noscript>You need to enable JavaScript to run this app.</noscript></body>") == []


def test_images_make_no_text_and_flag_their_block():
    bs = blocks('<p>Photo <img src="a.png" alt="A cat"> of a cat</p><p>Plain</p>')
    assert [(b.text, sorted(b.flags)) for b in bs] == [("Photo of a cat", ["image"]), ("Plain", [])]


def test_spans_give_xpath_and_lines_without_char_offsets():
    html = "<html>\n<body>\n<div>\n<p>First\n<b>bold</b>\n<i>end</i></p>\n<p>Second</p>\n</div>\n</body>\n</html>"
    first, second = blocks(html)
    assert first.span.xpath == "/html/body/div/p[1]"
    assert first.span.lines == (4, 6)
    assert first.span.chars is None and first.origin == ()
    assert second.span.xpath == "/html/body/div/p[2]"
    assert second.span.lines == (7, 7)


def test_head_gives_title_language_description_and_canonical_url():
    html = ("<html lang='EN-us'><head><title>  Iron \n tablets </title>"
            "<meta name='description' content='About iron'><meta name='keywords' content='iron, anaemia'>"
            "<link rel='canonical' href='https://example.org/iron'></head><body><p>Text</p></body></html>")
    page = pipeline.clean(html, name="x.html")
    src = page["source"]
    assert (src["title"], src["language"], src["url"]) == ("Iron tablets", "en", "https://example.org/iron")
    assert src["meta"]["description"] == "About iron"
    assert src["meta"]["keywords"] == "iron, anaemia"


def test_og_url_is_used_without_canonical_and_a_given_url_wins():
    html = "<html><head><meta property='og:url' content='https://example.org/og'></head><body><p>T</p></body></html>"
    assert pipeline.read(html, name="x.html").url == "https://example.org/og"
    assert pipeline.read(html, name="x.html", url="https://given.example/").url == "https://given.example/"


def test_relative_canonical_url_is_not_taken_as_the_page_url():
    html = "<html><head><link rel='canonical' href='/iron'></head><body><p>T</p></body></html>"
    assert pipeline.read(html, name="x.html").url is None


def test_xml_declaration_and_meta_charset_do_not_change_the_decoded_text():
    html = ('<?xml version="1.0" encoding="iso-8859-1"?><html><head><meta charset="iso-8859-1"></head>'
            "<body><p>Café – naïve</p></body></html>")
    assert [b.text for b in blocks(html)] == ["Café – naïve"]
    assert [b.text for b in pipeline.read(html.encode("utf-8"), name="x.html").blocks] == ["Café – naïve"]


@pytest.mark.parametrize("html", ["", "   \n ", "<!-- nothing -->", "<html><head><title>T</title></head></html>"])
def test_empty_documents_give_an_empty_result_not_an_error(html):
    page = pipeline.clean(html, name="x.html")
    assert page["sections"] == []
    assert any(w["code"] == "empty" for w in page["warnings"])


def test_unreadable_markup_raises_source_error(monkeypatch):
    from lxml import etree

    import pipeline.sources.html as reader

    def broken(*args, **kwargs):
        raise etree.ParserError("bad input")

    monkeypatch.setattr(reader.lxml.html, "document_fromstring", broken)
    with pytest.raises(SourceError, match="HTML could not be parsed"):
        pipeline.read("<p>x</p>", name="x.html")


def test_collapse_counts_link_text_across_pieces():
    text, links = collapse([(" Go ", False), ("to the", True), (" ", True), ("page", True), (" now ", False)])
    assert text == "Go to the page now"
    assert links == len("to the page")


PIECE = st.text(alphabet=st.sampled_from("ab \n\t\u00a0"), max_size=6)


@given(st.lists(st.tuples(PIECE, st.booleans()), max_size=8))
def test_collapse_gives_the_collapsed_text_and_a_link_count_within_it(parts):
    text, links = collapse(parts)
    assert text == " ".join("".join(t for t, _ in parts).split())
    link_letters = sum(len("".join(t.split())) for t, link in parts if link)
    assert link_letters <= links <= len(text)


def test_xpaths_match_lxml_getpath_and_find_their_element():
    html = ("<html><body><div><p>One</p><p>Two <a>x</a></p><script>s()</script><ul><li>A</li><li>B</li></ul>"
            "</div><div><section><h2>H</h2></section><table><tr><td>1</td><td>2</td></tr></table></div>"
            "<p>Loose</p></body></html>")
    root = lxml.html.document_fromstring(html)
    tree = root.getroottree()
    expected = {tree.getpath(el) for el in root.iter("p", "li", "h2", "tr")}
    got = [b.span.xpath for b in blocks(html)]
    assert set(got) == expected
    for xpath in got:
        assert len(tree.xpath(xpath)) == 1


def test_nesting_deeper_than_the_python_stack_is_read():
    depth = 2000  # within libxml2's huge-tree depth limit, beyond Python's recursion limit
    html = "<div>" * depth + "<p>Deep text</p>" + "</div>" * depth
    assert [b.text for b in blocks(html)] == ["Deep text"]


def test_a_parser_that_stops_early_leaves_a_warning():
    depth = 3000  # beyond libxml2's depth limit: the parser gives up on the rest
    doc = pipeline.read("<p>Start</p>" + "<div>" * depth + "<p>Deep</p>" + "</div>" * depth, name="x.html")
    assert [b.text for b in doc.blocks] == ["Start"]
    assert [w.code for w in doc.warnings] == ["html-truncated"]


ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><title>Iron deficiency anaemia - Health Site</title></head>
<body>
<header><a href="/">Health Site</a>
<nav><ul>
<li><a href="/conditions">Conditions</a></li>
<li><a href="/medicines">Medicines</a></li>
<li><a href="/services">Find services</a></li>
<li><a href="/about">About us</a></li>
</ul></nav></header>
<main><article>
<h1>Iron deficiency anaemia</h1>
<p>Iron deficiency anaemia is caused by lack of iron, often because of blood loss or pregnancy. It is
treated with iron tablets prescribed by a doctor and by eating iron-rich foods.</p>
<h2>Treatment</h2>
<p>Your doctor will prescribe iron tablets to replace the iron missing from your body. You will usually
need to take them for about six months, and you should see a difference within a few weeks.</p>
</article></main>
<footer><ul><li><a href="/privacy">Privacy policy</a></li><li><a href="/cookies">Cookies</a></li>
<li><a href="/terms">Terms and conditions</a></li></ul></footer>
</body></html>"""


def test_clean_keeps_the_article_of_a_page_with_navigation_and_footer():
    page = pipeline.clean(ARTICLE, name="article.html")
    text = "\n".join(s["text"] for s in page["sections"])
    assert "Iron deficiency anaemia is caused by lack of iron" in text
    assert "you should see a difference within a few weeks" in text
    assert "Treatment" in [s["heading"] for s in page["sections"]]
    assert page["source"]["title"] == "Iron deficiency anaemia - Health Site"
    for block in (b for s in page["sections"] for b in s["blocks"]):
        assert block["source"]["xpath"].startswith("/html/body/main/article/")


# --- stray control characters, DOCTYPE internal subsets, <noframes> ------------------------------

def test_control_characters_and_nuls_are_removed_before_parsing_and_logged_by_line():
    html = "<html><body>\n<p>Surgery re\x00moves the tumor.</p>\n<p>It has not \x01\x02spread.</p>\n<p>Last.</p></body></html>"
    doc = pipeline.read(html, name="x.html")
    assert [b.text for b in doc.blocks] == ["Surgery removes the tumor.", "It has not spread.", "Last."]
    assert [(r.stage, r.rule, r.span.lines, r.text) for r in doc.removed] == [
        ("read-html", "control-characters", (2, 2), "\x00"), ("read-html", "control-characters", (3, 3), "\x01\x02")]
    assert [b.span.lines for b in doc.blocks] == [(2, 2), (3, 3), (4, 4)]


def test_a_page_with_stray_nul_bytes_is_read_to_its_end():
    paragraphs = [f"<p>Paragraph {i} about the tumor and its treatment.</p>\n" for i in range(50)]
    data = "<html><body>\n" + "".join(p if i % 10 else p.replace("tumor", "tu\x00mor") for i, p in enumerate(paragraphs))
    out = pipeline.clean(data.encode("utf-8"), name="x.html")
    text = "\n".join(s["text"] for s in out["sections"])
    assert "Paragraph 49 about the tumor" in text and "\x00" not in text and "\ufffd" not in text
    assert sum(1 for r in out["removed"] if r["rule"] == "control-characters") == 5


def test_a_doctype_internal_subset_is_not_text_and_does_not_move_lines():
    html = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd" [\n<!ENTITY note "a > b">\n'
            '<!ATTLIST p class CDATA #IMPLIED>\n]>\n<html><head><title>Tumors</title></head>\n<body>\n'
            '<p>First paragraph.</p>\n<p>Second paragraph.</p>\n</body></html>')
    doc = pipeline.read(html, name="x.html")
    assert [(b.text, b.span.lines) for b in doc.blocks] == [("First paragraph.", (7, 7)), ("Second paragraph.", (8, 8))]
    assert doc.title == "Tumors"


def test_noframes_content_is_read_as_html_in_its_place():
    html = ('<html><head><title>Frames</title></head>\n<frameset cols="20%,80%"><frame src="a.html">\n'
            '<noframes>\n<body>\n<h1>Pancreatic tumors</h1>\n<p>Surgery <b>removes</b> the tumor.</p>\n'
            '<ul><li>Pain</li></ul>\n</body>\n</noframes>\n</frameset></html>')
    doc = pipeline.read(html, name="x.html")
    assert [(b.kind, b.text, b.span.lines) for b in doc.blocks] == [
        ("heading", "Pancreatic tumors", (5, 5)), ("paragraph", "Surgery removes the tumor.", (6, 6)),
        ("list_item", "Pain", (7, 7))]
    assert all(b.span.xpath.startswith("/html/frameset/noframes/") for b in doc.blocks)
    assert not any("<" in b.text for b in doc.blocks)


def test_an_element_with_thousands_of_attributes_keeps_the_first_thousand_and_warns():
    attributes = "\n".join(f"data-x{i}='v'" for i in range(5000))
    html = f"<html lang='en'><body><p>Intro</p>\n<p {attributes}>Text</p>\n<p>After</p></body></html>"
    doc = pipeline.read(html, name="x.html")
    assert [(b.text, b.span.lines) for b in doc.blocks] == [("Intro", (1, 1)), ("Text", (5001, 5001)), ("After", (5002, 5002))]
    assert [(w.code, w.span.lines) for w in doc.warnings] == [("too-many-attributes", (2, 2))]
    assert doc.language == "en"


def test_a_long_attribute_value_is_not_taken_for_many_attributes():
    html = f"<p><img src='data:image/png;base64,{'A' * 20000}'>Caption text</p>"
    doc = pipeline.read(html, name="x.html")
    assert [b.text for b in doc.blocks] == ["Caption text"] and doc.warnings == ()


def test_the_attribute_limit_is_read_from_the_rules(tmp_path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("version: 1\nread:\n  max_attributes: 3\n", encoding="utf-8")
    html = "<html><body><p>Intro</p>\n<p a='1' b='2' c='3' d='4' e='5'>Text</p></body></html>"
    doc = pipeline.read(html, name="x.html", rules=str(rules))
    assert [b.text for b in doc.blocks] == ["Intro", "Text"]
    assert [w.text for w in doc.warnings] == ["an element with more than 3 attributes: the rest were ignored"]
    assert not pipeline.read(html, name="x.html").warnings  # the default limit is far above 5


# ------------------------------------------------------------------------- DOM context

def test_a_block_knows_the_elements_around_it_that_say_something_and_plain_ones_make_none():
    html = ('<body><div class="site-wrap"><nav id="top" role="navigation"><ul><li><a href="/">Home</a></li></ul></nav>'
            '<div><p>Plain text in a plain div.</p></div></div></body>')
    home, text = blocks(html)
    chain = [(c.tag, c.names, c.role) for c in home.container.chain()]
    assert chain == [("ul", "", None), ("nav", "top", "navigation"), ("div", "site-wrap", None)]
    assert [(c.tag, c.names) for c in text.container.chain()] == [("div", "site-wrap")]


def test_containers_count_the_text_links_and_blocks_under_them():
    html = ('<div class="menu"><p><a href="/a">Alpha</a> and more</p><p><a href="/b">Beta</a></p></div>'
            '<p>Outside text.</p>')
    first, second, outside = blocks(html)
    menu = first.container
    assert second.container is menu and outside.container is None
    assert (menu.text_chars, menu.link_chars, menu.blocks) == (len("Alpha and more") + len("Beta"), 9, 2)


def test_a_container_counts_the_blocks_inside_the_containers_within_it_too():
    html = ('<div class="page"><p>Lead.</p><nav><ul><li><a href="/a">Alpha</a></li>'
            '<li>Beta</li></ul></nav></div>')
    lead, alpha, beta = blocks(html)
    ul, nav, page = alpha.container.chain()
    assert (ul.tag, nav.tag, page.tag) == ("ul", "nav", "div") and lead.container is page
    assert (ul.text_chars, ul.link_chars, ul.blocks) == (len("AlphaBeta"), len("Alpha"), 2)
    assert (nav.text_chars, nav.link_chars, nav.blocks) == (len("AlphaBeta"), len("Alpha"), 2)
    assert (page.text_chars, page.link_chars, page.blocks) == (len("Lead.AlphaBeta"), len("Alpha"), 3)


def test_an_element_with_only_other_attributes_is_no_container():
    (block,) = blocks('<div data-id="7" lang="en"><p>Plain.</p></div>')
    assert block.container is None


@pytest.mark.parametrize("attributes", ['hidden', 'aria-hidden="true"', 'style="color: red; display: none"',
                                        'style="visibility:hidden"'])
def test_hidden_elements_are_marked_hidden(attributes):
    (block,) = blocks(f'<div {attributes}><p>Not shown.</p></div>')
    assert block.container.hidden


def test_a_shown_element_is_not_hidden():
    (block,) = blocks('<div class="box" aria-hidden="false" style="display: block"><p>Shown.</p></div>')
    assert not block.container.hidden
