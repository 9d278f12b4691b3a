"""Rule families: the ``report:`` section of rules.yaml, compiled by rules.py.

A removal's family is the first family that names its rule id, else the first that names its
stage, else ``other``. The report colours removals by family, and the corpus summary counts them
by family, because a raw count of entries says little (most entries of a markdown page are link
targets and emphasis marks). A *quiet* family's entries cut markup or rewrite text while the words
stay (a link target, an emphasis mark, a mojibake repair); the report shows them quietly so that
the real drops stand out.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Iterable, Mapping

NAME = "report"  # the section of rules.yaml
OTHER = "other"
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}\Z")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}\Z")


@dataclass(frozen=True)
class Family:
    name: str
    colour: str
    quiet: bool = False
    label: str = ""

    def to_json(self) -> dict:
        return {"name": self.name, "colour": self.colour, "quiet": self.quiet, "label": self.label or self.name}


@dataclass(frozen=True)
class Families:
    """The families in legend order (``other`` last) and how a (stage, rule) finds its family."""

    families: tuple[Family, ...] = (Family(OTHER, "#d0d0d0"),)
    by_rule: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    by_stage: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @cached_property
    def _by_name(self) -> Mapping[str, Family]:
        return MappingProxyType({f.name: f for f in self.families})

    def named(self, name: str) -> Family:
        return self._by_name.get(name) or self.families[-1]

    def of(self, stage: str | None, rule: str | None) -> Family:
        """The family of a removal by ``stage`` under rule id ``rule``."""
        name = self.by_rule.get(rule or "") or self.by_stage.get(stage or "") or OTHER
        return self.named(name)

    def count(self, removed: Iterable[Mapping]) -> dict[str, int]:
        """Removals per family name (entries of a page's ``removed``), in legend order."""
        counts = Counter(self.of(r.get("stage"), r.get("rule")).name for r in removed)
        return {f.name: counts[f.name] for f in self.families if counts[f.name]}


def compile(section: Mapping, where) -> Families:
    """``report: {other_colour, families: [{name, colour, quiet, label, rules, stages}, ...]}``."""
    items = where.get(section, "families", (list, tuple), ())
    other = where.get(section, "other_colour", str, "#d0d0d0")
    if not _COLOUR.match(other):
        raise where.at("other_colour").error(f"expected a colour #rrggbb, got {other!r}")
    families: list[Family] = []
    by_rule: dict[str, str] = {}
    by_stage: dict[str, str] = {}
    for i, item in enumerate(items):
        w = where.at("families", i)
        if not isinstance(item, Mapping):
            raise w.error("expected a mapping {name, colour, rules, stages, quiet, label}")
        name = w.get(item, "name", str, None)
        if name is None or not _NAME.match(name) or name == OTHER:
            raise w.at("name").error(f"expected a family name of lower-case letters, digits and '-' "
                                     f"(not {OTHER!r}), got {name!r}")
        if any(f.name == name for f in families):
            raise w.at("name").error(f"family {name!r} is defined twice")
        colour = w.get(item, "colour", str, None)
        if colour is None or not _COLOUR.match(colour):
            raise w.at("colour").error(f"expected a colour #rrggbb, got {colour!r}")
        families.append(Family(name, colour, w.get(item, "quiet", bool, False), w.get(item, "label", str, "")))
        for key, table in (("rules", by_rule), ("stages", by_stage)):
            for j, value in enumerate(w.get(item, key, (list, tuple), ())):
                if not isinstance(value, str) or not value:
                    raise w.at(key, j).error("expected a rule id or stage name")
                if value in table:
                    raise w.at(key, j).error(f"{value!r} is already in family {table[value]!r}")
                table[value] = name
    families.append(Family(OTHER, other, False, "other"))
    return Families(tuple(families), MappingProxyType(by_rule), MappingProxyType(by_stage))
