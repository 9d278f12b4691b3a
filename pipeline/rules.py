"""Load rules.yaml, validate it and compile it once into immutable Rules.

Every stage module may expose ``compile(section, where) -> object``: it turns its section of the
file into whatever it needs at run time (compiled regexes, frozen sets, thresholds). Errors raised
through ``where`` name the file, the line and the key, so a user editing rules.yaml sees where the
mistake is before any page is touched.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

# The default rules: the repo's top-level rules.yaml. pipeline/rules.yaml is a symbolic link to it
# in the source tree (so a checkout or an editable install reads the top-level file) and becomes a
# copy of it, as package data, in a built wheel (so `pip install .` finds it too).
DEFAULT_RULES = (Path(__file__).resolve().parent / "rules.yaml").resolve()
TOP_LEVEL_KEYS = {"version", "stages", "sites"}


class RulesError(Exception):
    """rules.yaml is unreadable or invalid; the message names the file, line and key."""


class Where:
    """A position in the rules file: a key path and the line it starts on, for error messages."""

    def __init__(self, file: str, lines: Mapping[tuple, int], path: tuple = ()):
        self.file, self.lines, self.path = file, lines, path

    def at(self, *keys) -> Where:
        return Where(self.file, self.lines, self.path + tuple(keys))

    @property
    def line(self) -> int | None:
        for n in range(len(self.path), -1, -1):
            if self.path[:n] in self.lines:
                return self.lines[self.path[:n]]
        return None

    def key(self) -> str:
        out = ""
        for k in self.path:
            out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
        return out or "(top level)"

    def error(self, message: str) -> RulesError:
        line = self.line
        return RulesError(f"{self.file}:{line if line is not None else '?'}: {self.key()}: {message}")

    # small typed getters that stages use to read their sections
    def get(self, section: Mapping, key: str, kind: type | tuple, default: Any = None) -> Any:
        value = section.get(key, default)
        if value is default:
            return value
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            names = " or ".join(k.__name__ for k in kinds)
            raise self.at(key).error(f"expected {names}, got {type(value).__name__}")
        return value

    def regex(self, pattern: Any, flags: int = 0):
        import regex

        if not isinstance(pattern, str):
            raise self.error(f"expected a regular expression string, got {type(pattern).__name__}")
        try:
            return regex.compile(pattern, flags | regex.V0)
        except regex.error as exc:
            raise self.error(f"invalid regular expression {pattern!r}: {exc}") from None


class _Asked(Mapping):
    """A section as a stage's ``compile`` reads it: records the keys it asks for, so that a key it
    never asks for (a typo, a rule for another stage) is an error instead of silently doing nothing.
    Any read counts (``get``, ``in``, ``[]``, iterating), so a compile that walks its section is fine.
    """

    def __init__(self, data: Mapping):
        self._data = data
        self.asked: set | None = set()

    def _ask(self, key: Any) -> None:
        if self.asked is not None:
            self.asked.add(key)

    def __getitem__(self, key: Any) -> Any:
        self._ask(key)
        return self._data[key]

    def get(self, key: Any, default: Any = None) -> Any:
        self._ask(key)
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        self._ask(key)
        return key in self._data

    def __iter__(self):
        if self.asked is not None:
            self.asked.update(self._data)
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return repr(self._data)


def _compile_section(compiler: Any, section: Mapping, where: Where) -> Any:
    """``compiler(section, where)``, then an error for any key of the section it never read."""
    asked = _Asked(_freeze(section))
    compiled = compiler(asked, where)
    unread = [k for k in section if k not in asked.asked]
    known = sorted(str(k) for k in asked.asked)
    asked.asked = None  # stop recording: a compiled rule may keep the section and read it at run time
    if unread:
        raise where.at(unread[0]).error(f"unknown key (this section knows: {', '.join(known) or 'no keys'})")
    return compiled


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _to_python(node: yaml.Node, path: tuple, lines: dict, file: str) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise RulesError(f"{file}:{key_node.start_mark.line + 1}: keys must be plain strings")
            key = key_node.value
            if key in out:
                raise RulesError(f"{file}:{key_node.start_mark.line + 1}: duplicate key {key!r}")
            out[key] = _to_python(value_node, path + (key,), lines, file)
            lines[path + (key,)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(v, path + (i,), lines, file) for i, v in enumerate(node.value)]
    return yaml.SafeLoader("").construct_object(node, deep=True)


@dataclass(frozen=True)
class Site:
    """Per-site rules: the signature lines that identify the site and compiled stage sections."""

    domain: str
    signatures: tuple[str, ...]
    stages: Mapping[str, object]


@dataclass(frozen=True)
class Rules:
    """Compiled, immutable rules. ``stage(name)`` gives what that stage's ``compile`` returned."""

    path: str
    sha256: str
    stages: tuple[str, ...]
    compiled: Mapping[str, object]
    sites: Mapping[str, Site] = field(default_factory=lambda: MappingProxyType({}))
    site_rules: bool = True

    def stage(self, name: str) -> Any:
        return self.compiled[name]

    def site(self, domain: str | None) -> Site | None:
        if not self.site_rules or not domain:
            return None
        # a page on www.example.org or a.b.example.org uses the rules of example.org
        parts = domain.lower().split(".")
        for i in range(len(parts) - 1):
            site = self.sites.get(".".join(parts[i:]))
            if site:
                return site
        return None

    def site_stage(self, domain: str | None, name: str) -> Any:
        site = self.site(domain)
        return site.stages.get(name) if site else None

    def without_sites(self) -> Rules:
        return replace(self, site_rules=False)


def load_rules(path: str | Path | None = None) -> Rules:
    """Load and compile rules; ``None`` means the repo's rules.yaml (cached per content)."""
    file = Path(path) if path is not None else DEFAULT_RULES
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise RulesError(f"{file}: cannot read rules: {exc.strerror or exc}") from None
    return _compile(str(file), data)


@lru_cache(maxsize=8)
def _compile(file: str, data: bytes) -> Rules:
    from .stages import COMPILERS, DEFAULT_ORDER, STAGES

    try:
        node = yaml.compose(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RulesError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise RulesError(f"{file}:{line}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    lines: dict = {}
    raw = _to_python(node, (), lines, file) if node is not None else {}
    where = Where(file, lines)
    if not isinstance(raw, dict):
        raise where.error("the rules file must be a mapping of sections")
    for key in raw:
        if key not in TOP_LEVEL_KEYS and key not in STAGES:
            known = ", ".join(sorted(TOP_LEVEL_KEYS | set(STAGES)))
            raise where.at(key).error(f"unknown section (known: {known})")
    stages = raw.get("stages", list(DEFAULT_ORDER))
    if not isinstance(stages, list) or not stages:
        raise where.at("stages").error("expected a non-empty list of stage names")
    for i, name in enumerate(stages):
        if name not in STAGES or name == "decode":
            raise where.at("stages", i).error(f"unknown stage {name!r} (known: {', '.join(STAGES)})")
    compiled = {}
    for name in STAGES:
        section = raw.get(name) or {}
        if not isinstance(section, dict):
            raise where.at(name).error("expected a mapping")
        compiled[name] = _compile_section(COMPILERS[name], section, where.at(name)) if name in COMPILERS else _freeze(section)
    sites = {}
    raw_sites = raw.get("sites") or {}
    if not isinstance(raw_sites, dict):
        raise where.at("sites").error("expected a mapping of domain -> site rules")
    for domain, body in raw_sites.items():
        w = where.at("sites", domain)
        if not isinstance(body, dict):
            raise w.error("expected a mapping")
        signatures = body.get("signature", [])
        if isinstance(signatures, str):
            signatures = [signatures]
        if not isinstance(signatures, list) or not all(isinstance(s, str) for s in signatures):
            raise w.at("signature").error("expected a line or a list of lines")
        site_stages = {}
        for key, section in body.items():
            if key == "signature":
                continue
            if key not in COMPILERS:
                raise w.at(key).error(f"unknown stage for site rules (known: {', '.join(sorted(COMPILERS))})")
            if not isinstance(section, dict):
                raise w.at(key).error("expected a mapping")
            site_stages[key] = _compile_section(COMPILERS[key], section, w.at(key))
        sites[domain.lower()] = Site(domain.lower(), tuple(s.strip() for s in signatures), MappingProxyType(site_stages))
    return Rules(file, hashlib.sha256(data).hexdigest(), tuple(stages), MappingProxyType(compiled),
                 MappingProxyType(sites))
