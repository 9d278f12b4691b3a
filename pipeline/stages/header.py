"""header: what a page says about itself, moved out of the text and into page data.

1. Field lines at the very top of a dump ("Link: ...", "Description: ...", "Keywords: None") become
   ``doc.url`` / ``doc.title`` / ``meta[...]`` and are logged as removals (rule ``header``). Which
   names are fields and where their values go is data (``fields``). A URL the caller gave wins.
2. ``doc.site`` (for per-site rules and templates): the URL's host without ``www.``; where no URL is
   known and site rules are on, the domain whose signature line a block of the page equals.
3. Dates and rights the page states ("Page last updated: 23 March 2020", "Review Date 10/18/2018",
   "Copyright 1997-2020, A.D.A.M., Inc.") are recorded in ``meta`` (first found wins). Those lines
   stay in the text: the boilerplate stage decides whether they are footer.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import regex

from ..dates import parse_date
from ..document import Block, Document, dropped, slice_block

NAME = "header"
# the Link:/Description: header of a text dump (header.formats), dates and rights on any page; the
# site that per-site rules key on
FORMATS = ("text", "html", "pdf")  # page formats it acts on (others pass through)
REQUIRES = ()  # facts it reads: a listed stage that provides one runs before it
PROVIDES = ("fields", "site")
INVALIDATES = ()  # facts it would make stale: no stage that provides one runs before it

TARGETS = ("url", "title")  # besides meta.<key> and null


@dataclass(frozen=True)
class MetaPattern:
    id: str
    key: str
    keyword: str  # lower-cased literal that must occur for the pattern to be tried
    pattern: regex.Pattern


@dataclass(frozen=True)
class HeaderRules:
    rule: str
    formats: frozenset[str]  # page formats whose top lines may be dump fields
    max_fields: int
    field_line: regex.Pattern | None  # "Name: value" for the known field names
    targets: Mapping[str, str | None]  # lower-cased field name -> target
    null_values: frozenset[str]  # lower-cased
    date_keys: frozenset[str]
    meta: tuple[MetaPattern, ...]
    keywords: tuple[str, ...]  # the distinct keywords, lower-cased


def _fragment(text: str) -> str:
    # multi-line fragments are one regex written over several lines: joined without spaces
    return "".join(line.strip() for line in text.splitlines())


def compile(section: Mapping, where) -> HeaderRules:
    rule = where.get(section, "rule", str, "header")
    max_fields = where.integer(section, "max_fields", 12, lo=0)
    formats = where.get(section, "formats", (list, tuple), ("text",))
    if not all(isinstance(f, str) for f in formats):
        raise where.at("formats").error("expected a list of format names")
    fields = where.get(section, "fields", Mapping, {})
    targets: dict[str, str | None] = {}
    for name, target in fields.items():
        w = where.at("fields", name)
        if not isinstance(name, str) or not name.strip():
            raise w.error("a field name must be a non-empty string")
        if target is not None and not (target in TARGETS or (isinstance(target, str) and target.startswith("meta.")
                                                             and len(target) > 5)):
            raise w.error(f"unknown target {target!r} (known: url, title, meta.<key>, null)")
        targets[" ".join(name.split()).lower()] = target
    field_line = None
    if targets:
        # longest names first, so "URL Source" is not read as "URL" (it would not match anyway: the
        # colon must follow the name) and spaces in names match any run of blanks
        names = sorted(targets, key=lambda n: (-len(n), n))
        alternation = "|".join(r"\s+".join(regex.escape(part) for part in n.split()) for n in names)
        field_line = where.at("fields").regex(rf"(?i)\A[ \t]*(?P<name>{alternation})[ \t]*:(?:[ \t]+|\Z)(?P<value>.*)\Z",
                                              regex.S)
    nulls = where.get(section, "null_values", (list, tuple), ())
    if not all(isinstance(v, str) for v in nulls):
        raise where.at("null_values").error("expected a list of strings")
    date_keys = where.get(section, "date_keys", (list, tuple), ())
    if not all(isinstance(v, str) for v in date_keys):
        raise where.at("date_keys").error("expected a list of strings")

    fragments = {}
    for key in ("month", "date", "until_sentence_end"):
        fragments[key] = _fragment(where.get(section, key, str, ""))
    fragments["date"] = fragments["date"].replace("{month}", fragments["month"])
    metas = []
    seen = set()
    for i, item in enumerate(where.get(section, "meta", (list, tuple), ())):
        w = where.at("meta", i)
        if not isinstance(item, Mapping):
            raise w.error("expected a mapping with id, key, keyword and pattern")
        pid = w.get(item, "id", str)
        key = w.get(item, "key", str)
        keyword = w.get(item, "keyword", str)
        pattern = w.get(item, "pattern", str)
        if not pid or not key or not keyword or not pattern:
            raise w.error("id, key, keyword and pattern are all required")
        if pid in seen:
            raise w.at("id").error(f"duplicate id {pid!r}")
        seen.add(pid)
        for name, frag in fragments.items():
            pattern = pattern.replace("{" + name + "}", frag)
        compiled = w.at("pattern").regex(pattern)
        if "value" not in compiled.groupindex:
            raise w.at("pattern").error("the pattern needs a group named `value`")
        metas.append(MetaPattern(pid, key, keyword.lower(), compiled))
    keywords = tuple(sorted({m.keyword for m in metas}))
    return HeaderRules(rule, frozenset(formats), max_fields, field_line, targets, frozenset(v.lower() for v in nulls),
                       frozenset(date_keys), tuple(metas), keywords)


# --- header fields --------------------------------------------------------------------------------

def _field_parts(block: Block, rules: HeaderRules) -> list[Block] | None:
    """The block split into its field lines, or None where it does not open with a field.

    The reader keeps field lines apart, but a dump without blanks between fields may still arrive
    as one block; a field then starts where a source line starts (an ``origin`` segment).
    """
    text = block.text
    if rules.field_line is None or not rules.field_line.match(text):
        return None
    starts = [0] + [t for t, _, _ in block.origin if 0 < t < len(text) and rules.field_line.match(text[t:])]
    starts = sorted(set(starts))
    if len(starts) == 1:
        return [block]
    bounds = starts + [len(text)]
    parts = []
    for a, b in zip(bounds, bounds[1:]):
        end = b
        while end > a and text[end - 1].isspace():  # the joining blank belongs to neither part
            end -= 1
        parts.append(slice_block(block, a, end))
    return parts


def _value(raw: str, rules: HeaderRules) -> str | None:
    value = " ".join(raw.split())
    if not value or value.lower() in rules.null_values:
        return None
    return value


def host_of(url: str | None) -> str | None:
    """The lower-cased host of a URL without a leading ``www.``; ``//host/path`` and ``host/path`` too."""
    if not url:
        return None
    u = url.strip()
    m = regex.match(r"(?i)^(?:[a-z][a-z0-9+.-]*:)?//([^/?#\s]*)", u)
    if m:
        host = m.group(1)
    else:
        host = regex.split(r"[/?#\s]", u, 1)[0]
    host = host.rsplit("@", 1)[-1]  # user:password@host
    if host.startswith("["):  # an IPv6 literal keeps its colons
        host = host.split("]", 1)[0] + "]"
    else:
        host = host.split(":", 1)[0]
    host = host.strip(".").lower()
    if host.startswith("www."):
        host = host[4:]
    # a bare "host/path" is only a host when it looks like one: labels joined by dots
    if not regex.fullmatch(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+|\[[0-9a-f:.]+\]", host):
        return None
    return host


def _site_from_signatures(blocks: tuple[Block, ...], rules) -> str | None:
    by_line: dict[str, str] = {}
    for domain in sorted(rules.sites):  # sorted: a line shared by two sites names the first one
        for line in rules.sites[domain].signatures:
            norm = " ".join(line.split())
            if norm:
                by_line.setdefault(norm, domain)
    if not by_line:
        return None
    shortest = min(len(k) for k in by_line)
    # a block's text folded as a line is only made where its first character (after blanks) is
    # one a signature line starts with: most blocks are told apart by one character
    firsts = frozenset(k[0] for k in by_line)
    for b in blocks:
        text = b.text
        if len(text) >= shortest:
            first = text[0] if not text[0].isspace() else text.lstrip()[:1]
            if first in firsts:
                domain = by_line.get(" ".join(text.split()))
                if domain:
                    return domain
    return None


# --- dates and rights -----------------------------------------------------------------------------

def _page_facts(blocks: tuple[Block, ...], rules: HeaderRules) -> dict[str, str]:
    """meta key -> value for the dates and rights the page states (first found wins)."""
    found: dict[str, str] = {}
    if not rules.keywords:
        return found
    wanted = {m.key for m in rules.meta}
    for b in blocks:
        if b.kind == "code":
            continue
        # plain substring tests on the lower-cased text: several times faster than a
        # case-insensitive regex, and most blocks contain none of the keywords
        low = b.text.lower()
        present = [k for k in rules.keywords if k in low]
        if not present:
            continue
        for mp in rules.meta:
            if mp.key in found or mp.keyword not in present:
                continue
            m = mp.pattern.search(b.text)
            if not m or not m.group("value"):
                continue
            value = " ".join(m.group("value").split())
            found[mp.key] = (parse_date(value) or value) if mp.key in rules.date_keys else value
        if len(found) == len(wanted):
            break
    return found


def stage(doc: Document, rules) -> Document:
    r: HeaderRules = rules.stage(NAME)
    fields_read: list[Block] = []  # the field lines, dropped
    meta: dict[str, object] = {}
    url = title = None
    blocks = doc.kept
    kept_from = 0
    fields = 0
    # field lines only count at the very top: the run of leading blocks that are all fields
    for i, block in enumerate(blocks if doc.format in r.formats else ()):
        parts = _field_parts(block, r) if block.kind == "paragraph" and fields < r.max_fields else None
        if parts is None:
            break
        for part in parts:
            m = r.field_line.match(part.text)
            name = " ".join(m.group("name").split()).lower()
            target = r.targets[name]
            value = _value(m.group("value"), r)
            fields_read.append(dropped(part, NAME, r.rule, why="a field of the dump's header, read into source"))
            fields += 1
            if target is None or value is None:
                continue
            if target == "url":
                url = url or value
            elif target == "title":
                title = title or value
            else:
                key = target[5:]
                if key in r.date_keys:
                    value = parse_date(value) or value
                meta.setdefault(key, value)
        kept_from = i + 1
    blocks = blocks[kept_from:]
    changes: dict[str, object] = {}
    final_url = doc.url or url
    if final_url != doc.url:
        changes["url"] = final_url
    if title and not doc.title:
        changes["title"] = title
    site = doc.site or host_of(final_url)
    if site is None and rules.site_rules and rules.sites:
        site = _site_from_signatures(blocks, rules)
    if site != doc.site:
        changes["site"] = site
    for key, value in _page_facts(blocks, r).items():
        meta.setdefault(key, value)
    return doc.evolve(NAME, blocks=fields_read + list(blocks), meta=meta, **changes)
