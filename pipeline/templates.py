"""Cross-page templates: lines that many pages of one site share (its menus, footers, promos).

A corpus run counts, before it cleans, the lines of every page per site (``count_page`` gives a
page's site and its set of line keys; ``build`` turns them into a ``TemplateState``). A page's site
is its URL's domain (or a ``sites:`` signature), as the header stage finds it; pages with no site
that share at least ``templates.cluster_min_shared`` lines with each other form one (named after
the first of them by name). The state is JSON (``clean/.templates.json``); ``clean(templates=...)``
takes it, and the template stage drops a kept block whose line key is found on at least
``templates.min_share`` of its site's pages (a site of at least ``templates.min_pages`` pages).

A line key is ``textrules.compare_key`` of a block's text after the stages that run before the
template stage (markup off, mojibake repaired). Headings are never counted: a section name that
recurs ("Overview") heads different content on each page.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from .document import Document
from .textrules import TextRules, compare_key

SCHEMA_ID = "scraped-text-templates/1"
UNNAMED = "lines-shared-with:"  # the prefix of a site made of pages with no site that share lines


@dataclass(frozen=True)
class TemplateRules:
    min_share: float  # a line on at least this share of its site's pages is template
    min_pages: int  # a site with fewer pages has no template lines
    min_chars: int  # shorter lines are not counted (a bare "|" or "1")
    cluster_min_shared: int  # pages without a site sharing this many lines are one site


def compile(section: Mapping, where) -> TemplateRules:
    return TemplateRules(
        min_share=where.number(section, "min_share", 0.5, lo=0, hi=1),
        min_pages=where.integer(section, "min_pages", 3, lo=2),
        min_chars=where.integer(section, "min_chars", 3, lo=1),
        cluster_min_shared=where.integer(section, "cluster_min_shared", 5, lo=1),
    )


@dataclass(frozen=True)
class SiteLines:
    pages: int  # pages of the site counted (copies of one page once)
    lines: Mapping[str, int]  # line key -> pages it is on (only keys on two pages or more are kept)


@dataclass(frozen=True)
class TemplateState:
    sites: Mapping[str, SiteLines] = field(default_factory=lambda: MappingProxyType({}))
    page_sites: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # page name -> site

    def site_of(self, doc: Document) -> str | None:
        return doc.site or (self.page_sites.get(doc.name) if doc.name else None)

    def template_lines(self, site: str | None, cfg: TemplateRules) -> frozenset[str]:
        """The line keys that are template on ``site`` under ``cfg``."""
        found = self.sites.get(site) if site else None
        if found is None or found.pages < cfg.min_pages:
            return frozenset()
        need = cfg.min_share * found.pages
        return frozenset(k for k, n in found.lines.items() if n >= need)

    def fingerprint(self, site: str | None, cfg: TemplateRules) -> str:
        """A sha256 of everything of this state that the template stage reads for a page of
        ``site``: the site's name, its page count and each template line with its count (all of
        them go into a removal's ``why``). A site without template lines gets the same fingerprint
        as no site: its pages' JSON does not depend on the state. An incremental run re-cleans a
        site's pages when their fingerprint changes."""
        lines = self.template_lines(site, cfg)
        found = self.sites[site] if lines and site is not None else None
        shape = [site, found.pages, sorted((k, found.lines[k]) for k in lines)] if found is not None else None
        return hashlib.sha256(json.dumps(shape, ensure_ascii=False).encode("utf-8")).hexdigest()

    def to_json(self) -> dict:
        return {"schema": SCHEMA_ID,
                "sites": {s: {"pages": v.pages, "lines": dict(sorted(v.lines.items()))}
                          for s, v in sorted(self.sites.items())},
                "page_sites": dict(sorted(self.page_sites.items()))}

    @classmethod
    def from_json(cls, data: Any, where: str = "templates") -> TemplateState:
        """The state from its JSON form; a ValueError names what is wrong."""
        if not isinstance(data, Mapping) or data.get("schema") != SCHEMA_ID:
            raise ValueError(f"{where}: not a template state (schema {SCHEMA_ID!r} expected)")
        sites = {}
        for site, v in (data.get("sites") or {}).items():
            if not isinstance(v, Mapping) or not isinstance(v.get("pages"), int) \
                    or not isinstance(v.get("lines"), Mapping) \
                    or not all(isinstance(k, str) and isinstance(n, int) for k, n in v["lines"].items()):
                raise ValueError(f"{where}: sites.{site}: expected pages (a number) and lines (key: pages)")
            sites[str(site)] = SiteLines(v["pages"], MappingProxyType(dict(v["lines"])))
        pages = data.get("page_sites") or {}
        if not isinstance(pages, Mapping) or not all(isinstance(k, str) and isinstance(s, str) for k, s in pages.items()):
            raise ValueError(f"{where}: page_sites: expected page name: site")
        return cls(MappingProxyType(sites), MappingProxyType(dict(pages)))


def load_templates(path: str) -> TemplateState:
    with open(path, encoding="utf-8") as fh:
        try:
            data = json.load(fh)
        except ValueError as exc:
            raise ValueError(f"{path}: not JSON: {exc}") from None
    return TemplateState.from_json(data, path)


def page_lines(doc: Document, cfg: TemplateRules, tr: TextRules) -> frozenset[str]:
    """The line keys a page has, as the template stage compares them."""
    return frozenset(k for b in doc.kept if b.kind != "heading" and len(b.text) >= cfg.min_chars
                     for k in (compare_key(b.text, tr),) if k)


PageLines = tuple[str, str | None, frozenset[str]]  # (page name, its site or None, its line keys)


def build(pages: Iterable[PageLines], cfg: TemplateRules) -> TemplateState:
    """The template state of a corpus from each page's site and line keys (any order: the result
    does not depend on it)."""
    pages = sorted(pages, key=lambda p: p[0])
    page_sites: dict[str, str] = {}
    members: dict[str, list[frozenset[str]]] = {}
    for name, site, lines in pages:
        if site:
            members.setdefault(site, []).append(lines)
    for name, site, lines in _clusters([p for p in pages if not p[1]], cfg):
        page_sites[name] = site
        members.setdefault(site, []).append(lines)
    sites = {}
    for site, line_sets in members.items():
        # copies of one page (a mirror, a page saved twice) are one page: what they share is theirs,
        # not a template of the site's other pages
        line_sets = list(dict.fromkeys(line_sets))
        counts: dict[str, int] = {}
        for lines in line_sets:
            for k in lines:
                counts[k] = counts.get(k, 0) + 1
        sites[site] = SiteLines(len(line_sets), MappingProxyType({k: n for k, n in counts.items() if n >= 2}))
    return TemplateState(MappingProxyType(sites), MappingProxyType(page_sites))


def _clusters(pages: list[PageLines], cfg: TemplateRules) -> list[tuple[str, str, frozenset[str]]]:
    """Pages without a site, joined into one site where they share enough lines (union-find over
    pages, by the lines they share); a page that shares with none stays alone (no site)."""
    parent = list(range(len(pages)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_line: dict[str, list[int]] = {}
    for i, (_, _, lines) in enumerate(pages):
        for k in lines:
            by_line.setdefault(k, []).append(i)
    shared: dict[tuple[int, int], int] = {}
    for holders in by_line.values():
        if 2 <= len(holders) <= len(pages):
            first = holders[0]  # pairs with the first holder only: linear, and joins them all the same
            for j in holders[1:]:
                shared[(first, j)] = shared.get((first, j), 0) + 1
    for (i, j), n in sorted(shared.items()):
        if n >= cfg.cluster_min_shared:
            a, b = root(i), root(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in range(len(pages)):
        groups.setdefault(root(i), []).append(i)
    out = []
    for idx in groups.values():
        if len(idx) < 2:
            continue
        site = UNNAMED + pages[idx[0]][0]  # pages are sorted by name: the first names the site
        out += [(pages[i][0], site, pages[i][2]) for i in idx]
    return out
