"""The elements marked as the author's, found by a C search for candidates and class words read in
Python, are the ones the plain XPath (translate and concat on every element) finds, in its order."""
from __future__ import annotations

import random

from lxml import etree

from pipeline.sources.html import parse
from pipeline.sources.htmlmeta import _author_marked

_WORDS = 'concat(" ", translate(@class, "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_", "abcdefghijklmnopqrstuvwxyz  "), " ")'
PLAIN = etree.XPath(f'//body//*[@rel="author" or contains({_WORDS}, " author ") or contains({_WORDS}, " byline ")]')
PIECES = ["author", "AUTHOR", "Byline", "byline", "authors", "co-author", "post_author", "x", "", " ", "\t",
          "-", "_", "Äuthor", "author\u00a0", "by line", "BYLINE-", "writer"]


def _page(rng: random.Random) -> str:
    out = []
    for i in range(40):
        attrs = []
        if rng.random() < 0.7:
            attrs.append(f'class="{"".join(rng.choice(PIECES) for _ in range(rng.randint(0, 3)))}"')
        if rng.random() < 0.2:
            attrs.append(f'rel="{rng.choice(["author", "Author", "author ", "nofollow"])}"')
        tag = rng.choice(["div", "span", "a", "p"])
        out.append(f"<{tag} {' '.join(attrs)}>n{i}</{tag}>")
    return f"<html><head><meta class='author'></head><body>{''.join(out)}</body></html>"


def test_marked_elements_are_the_plain_xpaths() -> None:
    rng = random.Random(7)
    for _ in range(300):
        root = parse(_page(rng))[0]
        assert list(_author_marked(root)) == PLAIN(root)
