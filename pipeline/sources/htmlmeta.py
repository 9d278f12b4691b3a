"""What an HTML page's markup states about the page: its author and its dates.

Read from the places publishers put them, in this order (the first that gives a value wins):
JSON-LD (``<script type="application/ld+json">``: ``author``, ``datePublished``, ``dateModified``,
also inside ``@graph``), ``<meta>`` fields (``author``, ``article:published_time``, Dublin Core,
citation and news-system names), and microdata (``itemprop="author"``, ``itemprop="datePublished"``
on any element, with ``content`` or ``datetime``); where none states a published date, the first
``<time datetime>`` of the body (most pages that have one put it at the article's head), and where
none states an author, the first short name in an element marked as the author's (``rel="author"``,
a class word ``author`` or ``byline``; "By" and "Written by" before it go). Dates
become ``YYYY-MM-DD`` (``dates.parse_date``);
a date that does not parse is not stated. An author that is a URL (``article:author`` often is) is
no name. Nothing here reads the page's visible text: a byline in prose is the text stages' concern.

The schema.org types the page states for itself (JSON-LD ``@type``, microdata ``itemtype``) are
read too: a page that calls itself a ``DiscussionForumPosting`` is a thread, not an article with
comments under it.
"""
from __future__ import annotations

import json
import re
from itertools import islice
from typing import Any, Iterator

from lxml import etree

from ..dates import parse_date

# <meta name/property> keys, lower-cased, per field, in order of trust
META_FIELDS = {
    "author": ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "dcterms.creator",
               "citation_author", "byl", "twitter:creator"),
    "published": ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
                  "publish-date", "publish_date", "citation_publication_date", "citation_date", "dc.date.issued",
                  "dcterms.issued", "dc.date", "dcterms.date", "dcterms.created", "parsely-pub-date",
                  "sailthru.date", "date"),
    "modified": ("article:modified_time", "og:updated_time", "datemodified", "last-modified", "dcterms.modified"),
}
JSON_LD_FIELDS = {"author": "author", "published": "datePublished", "modified": "dateModified"}
ITEMPROPS = {"author": "author", "published": "datePublished", "modified": "dateModified"}
MAX_JSON_LD_CHARS = 1_000_000  # a larger script is not read (it is data, not a page's description)
MAX_AUTHOR_CHARS = 200
URL = re.compile(r"^(?:https?:)?//|^www\.", re.I)
BY = re.compile(r"^\s*by\s+", re.I)


def stated_metadata(root: etree._Element, ld: list[dict] | None = None) -> dict[str, str]:
    """``author``, ``published`` and ``modified`` as the page's markup states them (absent: not
    stated); ``ld``: the page's JSON-LD objects where already read (``json_ld_objects``)."""
    found: dict[str, str] = {}
    ld = json_ld_objects(root) if ld is None else ld
    for pairs in (_json_ld(ld), _meta_tags(root), _microdata(root)):  # generators: the later run only when needed
        for key, value in pairs:
            if key not in found:
                clean = _author(value) if key == "author" else parse_date(value)
                if clean:
                    found[key] = clean
        if len(found) == len(META_FIELDS):
            break
    if "author" not in found:
        author = _marked_author(root)
        if author:
            found["author"] = author
    if "published" not in found:
        first_time = _FIRST_TIME(root)
        published = parse_date(first_time[0]) if first_time else None
        if published:
            found["published"] = published
    return found


# elements marked as the author's: rel="author", or a class word "author" / "byline" (words split
# at - and _, ASCII letters lower-cased, as XPath's translate would). The candidates are found in
# C, the class words read in Python: libxml2's translate and concat on every element cost several
# times more (a class value is short, a page has hundreds)
_AUTHOR_CANDIDATES = etree.XPath('//body//*[@rel="author" or @class]')
_CLASS_WORD_TABLE = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ-_", "abcdefghijklmnopqrstuvwxyz  ")
BYLINE_LEAD = re.compile(r"^\s*(?:(?:written|posted|reviewed|edited)\s+)?by:?\s+|^\s*authors?:\s*", re.I)
NOT_A_NAME = re.compile(r"\d|[:@|•]|^(?:the\s+)?(?:authors?|by|written\s+by|posted\s+by)$", re.I)
MAX_MARKED_AUTHORS = 20  # elements looked at
MAX_NAME_WORDS = 5


def _author_marked(root: etree._Element) -> Iterator[etree._Element]:
    """The body's elements marked as the author's, in document order."""
    table = _CLASS_WORD_TABLE
    for el in _AUTHOR_CANDIDATES(root):
        cls = el.get("class")
        if cls is not None:
            words = f" {cls.translate(table)} "
            if " author " in words or " byline " in words:
                yield el
                continue
        if el.get("rel") == "author":
            yield el


def _marked_author(root: etree._Element) -> str | None:
    """The first element marked as the author's whose text is a short name (no digits: a date beside
    the name is another element's; no colon: "Ann says:" is a comment's)."""
    for el in islice(_author_marked(root), MAX_MARKED_AUTHORS):
        text = " ".join(BYLINE_LEAD.sub("", " ".join("".join(el.itertext()).split())).split())
        if text and len(text.split()) <= MAX_NAME_WORDS and not NOT_A_NAME.search(text):
            return _author(text)
    return None


_FIRST_TIME = etree.XPath("(//body//time[@datetime])[1]/@datetime", smart_strings=False)


def _author(value: str) -> str | None:
    value = " ".join(BY.sub("", value).split())
    if not value or URL.match(value) or len(value) > MAX_AUTHOR_CHARS or value.startswith("@"):
        return None
    return value


def _meta_tags(root: etree._Element) -> Iterator[tuple[str, str]]:
    wanted = {name: key for key, names in META_FIELDS.items() for name in names}
    order = {name: i for names in META_FIELDS.values() for i, name in enumerate(names)}
    hits: list[tuple[int, str, str]] = []
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or m.get("itemprop") or "").strip().lower()
        content = m.get("content")
        if name in wanted and content and content.strip():
            hits.append((order[name], wanted[name], content))
    for _, key, value in sorted(hits, key=lambda h: h[0]):  # the most trusted name of each field first
        yield key, value


_ITEMPROP_VALUES = etree.XPath("//*/@itemprop", smart_strings=False)
_ITEMPROP_ELEMENTS = etree.XPath("//*[@itemprop]")


def _microdata(root: etree._Element) -> Iterator[tuple[str, str]]:
    props = {v.lower(): k for k, v in ITEMPROPS.items()}
    # the values first, as strings (no element objects): most pages state none of these fields
    if not any(value.strip().lower() in props for value in _ITEMPROP_VALUES(root)):
        return
    for el in _ITEMPROP_ELEMENTS(root):  # found in C: a page may have a million elements
        prop = el.get("itemprop")
        if prop.strip().lower() not in props:
            continue
        key = props[prop.strip().lower()]
        if key == "author":
            named = [n for n in el.iter() if isinstance(n.tag, str) and (n.get("itemprop") or "").lower() == "name"]
            target = named[0] if named else el
            value = target.get("content") or " ".join("".join(target.itertext()).split())
        else:
            value = el.get("content") or el.get("datetime") or "".join(el.itertext())
        if value:
            yield key, value


def json_ld_objects(root: etree._Element) -> list[dict]:
    """The objects of the page's JSON-LD scripts, in order (through lists and ``@graph``)."""
    out: list[dict] = []
    for script in root.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        text = script.text or ""
        if not text.strip() or len(text) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(text, strict=False)  # raw line breaks inside strings are common
        except (ValueError, RecursionError):
            continue  # broken JSON-LD is common: it states nothing
        out.extend(_objects(data))
    return out


def _json_ld(objects: list[dict]) -> Iterator[tuple[str, str]]:
    for obj in objects:
        for key, field in JSON_LD_FIELDS.items():
            value = obj.get(field)
            if key == "author":
                value = _name_of(value)
            if isinstance(value, str) and value.strip():
                yield key, value


_ITEMTYPES = etree.XPath("//*[@itemtype]/@itemtype", smart_strings=False)
MAX_TYPES = 50  # types kept: a page's own are among its first


def stated_types(root: etree._Element, ld: list[dict] | None = None, microdata: bool = True) -> frozenset[str]:
    """The schema.org type names the page states (JSON-LD ``@type``, microdata ``itemtype``: the
    last part of its URL), as written: ``{"WebPage", "DiscussionForumPosting"}``. ``microdata``
    False: the page's source holds no itemtype (the tree is not searched for one)."""
    found: list[str] = []
    for obj in json_ld_objects(root) if ld is None else ld:
        kind = obj.get("@type")
        for k in kind if isinstance(kind, list) else [kind]:
            if isinstance(k, str) and k.strip():
                found.append(k.strip().rsplit("/", 1)[-1])
    for value in _ITEMTYPES(root)[:MAX_TYPES] if microdata else ():
        found.extend(t.rstrip("/").rsplit("/", 1)[-1] for t in value.split())
    return frozenset(t for t in found[:MAX_TYPES] if t)


def _objects(data: Any) -> Iterator[dict]:
    """The JSON-LD objects in ``data``, through lists and ``@graph``, without recursion."""
    todo = [data]
    while todo:
        item = todo.pop(0)
        if isinstance(item, list):
            todo[:0] = item
        elif isinstance(item, dict):
            yield item
            if isinstance(item.get("@graph"), list):
                todo[:0] = item["@graph"]


def _name_of(author: Any) -> str | None:
    """A JSON-LD author's name: a string, ``{"name": ...}``, or the names of a list, joined."""
    if isinstance(author, str):
        return author
    if isinstance(author, dict):
        name = author.get("name")
        return name if isinstance(name, str) else None
    if isinstance(author, list):
        names = [n for n in (_name_of(a) for a in author[:10]) if n]
        return ", ".join(names) or None
    return None
