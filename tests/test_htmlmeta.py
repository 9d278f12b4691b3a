"""What an HTML page's markup states about it: author and dates, from JSON-LD, <meta> and microdata."""
from __future__ import annotations

import lxml.html
import pytest

from pipeline.sources.htmlmeta import stated_metadata, stated_types


def stated(html: str) -> dict[str, str]:
    return stated_metadata(lxml.html.document_fromstring(html))


def test_json_ld_author_and_dates_are_read_through_a_graph() -> None:
    html = ('<html><head><script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, '
            '{"@type": "NewsArticle", "author": [{"name": "Ann Lee"}, {"name": "Bo Chan"}], '
            '"datePublished": "2023-05-04T08:00:00+02:00", "dateModified": "2023-05-06"}]}</script></head>'
            '<body><p>Text</p></body></html>')
    assert stated(html) == {"author": "Ann Lee, Bo Chan", "published": "2023-05-04", "modified": "2023-05-06"}


def test_meta_fields_give_author_and_dates_the_most_trusted_name_first() -> None:
    html = ('<html><head><meta name="date" content="2020-01-01"><meta property="article:published_time" '
            'content="2021-02-03T10:00:00Z"><meta name="author" content="By Kim Park"></head><body></body></html>')
    assert stated(html) == {"author": "Kim Park", "published": "2021-02-03"}


def test_json_ld_wins_over_meta_and_broken_json_ld_states_nothing() -> None:
    good = ('<html><head><meta name="author" content="Meta Name"><script type="application/ld+json">'
            '{"author": {"@type": "Person", "name": "Ld Name"}}</script></head><body></body></html>')
    broken = good.replace('"name": "Ld Name"}}', '"name": "Ld Name"')
    assert stated(good)["author"] == "Ld Name"
    assert stated(broken)["author"] == "Meta Name"


def test_microdata_on_body_elements_is_read() -> None:
    html = ('<html><body><article><span itemprop="author" itemscope><span itemprop="name">Lu Wei</span></span>'
            '<time itemprop="datePublished" datetime="2019-11-30">Nov 30</time></article></body></html>')
    assert stated(html) == {"author": "Lu Wei", "published": "2019-11-30"}


@pytest.mark.parametrize("author", ["https://example.org/staff/lee", "@handle", ""])
def test_an_author_that_is_a_url_a_handle_or_empty_is_no_name(author: str) -> None:
    assert "author" not in stated(f'<html><head><meta name="author" content="{author}"></head><body></body></html>')


def test_a_date_that_does_not_parse_is_not_stated() -> None:
    assert stated('<html><head><meta name="pubdate" content="sometime last week"></head><body></body></html>') == {}


def test_the_first_time_element_dates_a_page_whose_markup_states_no_date() -> None:
    body = '<body><article><time datetime="2024-07-03T10:00:00Z">3 July</time></article><aside><time datetime="2019-01-01">old</time></aside></body>'
    assert stated(f"<html>{body}</html>") == {"published": "2024-07-03"}
    meta = '<head><meta property="article:published_time" content="2021-02-03"></head>'
    assert stated(f"<html>{meta}{body}</html>") == {"published": "2021-02-03"}


def test_an_element_marked_as_the_authors_names_the_author_where_markup_states_none() -> None:
    body = ('<body><div class="post-author"><span>By</span></div><p class="byline">By Ann Lee</p>'
            '<span class="author-name">Bo Chan</span></body>')
    assert stated(f"<html>{body}</html>") == {"author": "Ann Lee"}  # a bare "By" is no name
    comment = '<body><div class="comment-author">Jo says:</div></body>'
    assert stated(f"<html>{comment}</html>") == {}
    meta = '<head><meta name="author" content="Kim Park"></head>'
    assert stated(f"<html>{meta}{body}</html>") == {"author": "Kim Park"}


def test_the_types_a_page_states_come_from_json_ld_lists_graphs_and_microdata_itemtypes() -> None:
    html = ('<html><head><script type="application/ld+json">[{"@type": ["WebPage", "ItemPage"]}, '
            '{"@graph": [{"@type": "BreadcrumbList"}]}]</script><script type="application/ld+json">{broken'
            '</script></head><body><div itemscope itemtype="https://schema.org/DiscussionForumPosting">'
            '<p>Post</p></div></body></html>')
    assert stated_types(lxml.html.document_fromstring(html)) == {"WebPage", "ItemPage", "BreadcrumbList",
                                                                 "DiscussionForumPosting"}
    assert stated_types(lxml.html.document_fromstring("<p>Nothing stated</p>")) == frozenset()


def test_json_ld_with_raw_line_breaks_inside_its_strings_is_read() -> None:
    html = ('<html><head><script type="application/ld+json">{"@type": "DiscussionForumPosting", "articleBody": '
            '"First line\nsecond line", "datePublished": "2024-02-21 13:00:00"}</script></head><body></body></html>')
    assert stated(html) == {"published": "2024-02-21"}
    assert stated_types(lxml.html.document_fromstring(html)) == {"DiscussionForumPosting"}
