"""Block's own __init__ (slot setters, for speed) makes the Block the dataclass's generated one made."""
from __future__ import annotations

import dataclasses
import pickle

import pytest

from pipeline.document import Block, Container, Drop, Span


def test_every_field_is_set_from_its_argument_or_its_default() -> None:
    span = Span((1, 5), (2, 3), None, "/html/body/p")
    c = Container(None, "div", "x", None, False)
    b = Block("heading", "Title", span, 2, ((0, 1, 5),), 3, frozenset({"image"}), "body", Drop("s", "r"), 7, c)
    assert [getattr(b, f.name) for f in dataclasses.fields(Block)] == [
        "heading", "Title", span, 2, ((0, 1, 5),), 3, frozenset({"image"}), "body", Drop("s", "r"), 7, c, None]
    plain = Block("paragraph", "t", span)
    assert (plain.level, plain.origin, plain.link_chars, plain.flags, plain.role, plain.drop, plain.seq,
            plain.container, plain._facts) == (0, (), 0, frozenset(), None, None, 0, None, None)
    assert Block(kind="paragraph", text="t", span=span, seq=4) == dataclasses.replace(plain, seq=4)


def test_it_stays_frozen_hashable_and_picklable() -> None:
    b = Block("paragraph", "Some words here.", Span(None, (1, 1)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        b.text = "other"  # type: ignore[misc]
    assert hash(b) == hash(Block("paragraph", "Some words here.", Span(None, (1, 1))))
    assert b.facts is b.facts  # measured once, kept
    assert pickle.loads(pickle.dumps(b)) == b
