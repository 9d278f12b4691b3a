"""Every input gets a result: ``clean`` on arbitrary text, markdown-ish text, HTML fragments and bytes
returns a page that passes the checks every page must pass (tests/page_checks.py: schema, spans,
provenance, every source line kept or logged), or raises SourceError for input that is not text.
Nothing else: no other exception, no page that fails a check."""
from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.sources import SourceError
from tests.page_checks import page_problems

NOT_TEXT = ("binary data, not text", "undecodable:", "not a valid gzip file", "starts with a",
            "pdf pages are not supported yet")  # PDF files: the reader is not built yet
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(data: bytes | str, name: str) -> None:
    try:
        page = pipeline.clean(data, name=name)
    except SourceError as exc:
        assert isinstance(data, bytes), f"text refused: {exc}"
        # bytes that are not text: binary, no encoding explains them, a broken gzip wrapper
        assert str(exc).startswith(NOT_TEXT), str(exc)
        return
    text = pipeline.read(data, name=name).text if page["source"]["format"] != "html" else None
    problems = page_problems(page, text)
    assert not problems, "\n".join(problems[:10])


# pieces that the stages act on: markup, entities, mojibake, CJK, PDF operators, page furniture
WORDS = st.sampled_from([
    "The", "surgery", "removes", "the", "tumor", "when", "it", "has", "not", "spread", "vitamin", "D", "helps",
    "treat-", "ment", "ﬁnal", "co\u00adoperation", "café", "cafÃ©", "EspaÃ±ol", "â€œquoteâ€\x9d", "AT&amp;T",
    "&#9;", "&nbsp;", "今天天气很好，", "我们去公园。", "駅前の図書館が", "新しくなりました。", "서울에서", "ＡＢＣ",
    "/F1", "12", "Tf", "BT", "ET", "(Hello)", "Tj", "qv2", "therapis7.25", "t", "g", "ABC's", "¹", "²", "[1]",
    "[2,3]", "—", "–", "…", "e.g.", "U.S.", "\x00", "\x07", "\x1b[31m", "\u200b", "\ufeff", "\r", "\t", "----",
    "|", "~~", "**", "_", "`code`", "\\*", "<b>", "</b>", "©", "®", "Page", "3", "of", "10",
])
LINE_STARTS = st.sampled_from(["", "", "", "# ", "## ", "- ", "* ", "1. ", "> ", "| ", "    ", "• ", "Link: ",
                               "Description: ", "```", "===", "---", "![img](x.png) "])
LINKS = st.builds(lambda t, u: f"[{t}]({u})", WORDS, st.sampled_from(["#", "https://example.org/a", "/x(y)", ""]))


@st.composite
def markdownish(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 25))):
        words = draw(st.lists(st.one_of(WORDS, LINKS), max_size=14))
        lines.append(draw(LINE_STARTS) + " ".join(words) + draw(st.sampled_from(["", ".", ":", " |", "!"])))
    return draw(st.sampled_from(["\n", "\n\n", "\r\n"])).join(lines)


TAGS = ["p", "div", "span", "a", "b", "li", "ul", "ol", "h1", "h2", "h3", "table", "tr", "td", "th", "pre",
        "blockquote", "br", "img", "script", "style", "nav", "footer", "noframes", "noscript", "section",
        "article", "aside", "form", "iframe", "svg", "template", "header", "main", "em", "code", "sup"]


@st.composite
def html_fragment(draw, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 6))):
        if depth < 6 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            attrs = draw(st.sampled_from(["", ' class="menu"', ' hidden', ' href="/x"', ' lang="zh"', ' style="display:none"']))
            parts.append(f"<{tag}{attrs}>{draw(html_fragment(depth + 1))}</{tag}>")
        else:
            parts.append(" ".join(draw(st.lists(WORDS, max_size=10))))
    return "".join(parts)


@st.composite
def html_page(draw) -> str:
    head = draw(st.sampled_from(["", "<!DOCTYPE html>", '<!DOCTYPE html [ <!ENTITY x "y"> ]>',
                                 '<?xml version="1.0"?>', "<!-- comment -->"]))
    title = draw(st.sampled_from(["", "<head><title>A page</title></head>",
                                  '<head><meta charset="koi8-r"><meta name="description" content="d"></head>']))
    return f"{head}<html>{title}<body>{draw(html_fragment())}</body></html>"


@SETTINGS
@given(st.text(max_size=400), st.sampled_from(["page.txt", "page.md", "page", "page.pdf.txt"]))
def test_any_text_gets_a_valid_page(text: str, name: str) -> None:
    check(text, name)


@SETTINGS
@given(markdownish(), st.sampled_from(["page.md", "page.txt", "page.pdf.txt"]))
@example(".\n\ufb01nal \x1b[31m\n\u2026 The", "page.pdf.txt")  # a ligature at a cut fragment's start (found here)
def test_markdownish_text_gets_a_valid_page(text: str, name: str) -> None:
    check(text, name)
    check(text.encode("utf-8"), name)


@SETTINGS
@given(st.one_of(html_page(), html_fragment()))
def test_html_gets_a_valid_page(text: str) -> None:
    check(text, "page.html")
    check(text.encode("utf-8"), "page.html")


@SETTINGS
@given(st.binary(max_size=400), st.sampled_from(["page.txt", "page.html", "page", "page.txt.gz"]))
def test_any_bytes_get_a_valid_page_or_a_source_error(data: bytes, name: str) -> None:
    check(data, name)
