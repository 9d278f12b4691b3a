"""Load rules.yaml, validate it and compile it once into immutable Rules.

Every stage module may expose ``compile(section, where) -> object``: it turns its section of the
file into whatever it needs at run time (compiled regexes, frozen sets, thresholds). Errors raised
through ``where`` name the file, the line and the key, so a user editing rules.yaml sees where the
mistake is before any page is touched.

A rules file is user input, checked like a page is: nesting, alias expansion, numbers and tags are
bounded or refused while the YAML is read; every key a stage's ``compile`` never reads, at any
depth, is an error; site rules are accepted only for what a stage reads per site (its module's
``SITE_RULES``); patterns are bounded in size before they compile and in time when they run
(``patterns.py``).
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import regex
import yaml

from . import sources, textrules
from .report import families

# The default rules: the repo's top-level rules.yaml. pipeline/rules.yaml is a symbolic link to it
# in the source tree (so a checkout or an editable install reads the top-level file) and becomes a
# copy of it, as package data, in a built wheel (so `pip install .` finds it too).
DEFAULT_RULES = (Path(__file__).resolve().parent / "rules.yaml").resolve()
TOP_LEVEL_KEYS = {"version", "stages", "sites", "text", "read", "report"}


class RulesError(Exception):
    """rules.yaml is unreadable or invalid; the message names the file, line and key."""


class RulesTimeout(RulesError):
    """A pattern from the rules ran longer than its time limit on a page (it backtracks too much)."""


MAX_DEPTH = 50  # nesting of mappings and lists: rules.yaml needs 6; PyYAML's composer recurses per level
MAX_ALIAS_VALUES = 100_000  # values that YAML aliases may add by expansion (a "billion laughs" file adds 10^9)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where installed: ten times faster

if TYPE_CHECKING:
    from .patterns import RulePattern


def _shown(pattern: str, limit: int = 100) -> str:
    text = repr(pattern)
    return text if len(text) <= limit else text[:limit] + "...'"


class Where:
    """A position in the rules file: a key path and the line it starts on, for error messages."""

    def __init__(self, file: str, lines: Mapping[tuple, int], path: tuple = (), _spent: list | None = None):
        self.file, self.lines, self.path = file, lines, path
        self._spent = _spent if _spent is not None else [0]  # pattern units compiled so far in this file

    def at(self, *keys) -> Where:
        return Where(self.file, self.lines, self.path + tuple(keys), self._spent)

    @property
    def line(self) -> int | None:
        for n in range(len(self.path), -1, -1):
            if self.path[:n] in self.lines:
                return self.lines[self.path[:n]]
        return None

    def key(self) -> str:
        out = ""
        for k in self.path:
            if isinstance(k, int):
                out += f"[{k}]"
            else:
                k = str(k)
                if not k.isprintable() or len(k) > 60:  # a key never breaks or floods the one-line message
                    k = _shown(k, 60)
                out += f".{k}" if out else k
        return out or "(top level)"

    def error(self, message: str, kind: type[RulesError] = RulesError) -> RulesError:
        line = self.line
        return kind(f"{self.file}:{line if line is not None else '?'}: {self.key()}: {message}")

    def timed_out(self, seconds: float) -> RulesTimeout:
        return self.error(f"the pattern took longer than {seconds:.3g} s on this page (it backtracks too much: "
                          "simplify it, e.g. no nested repeats like (a+)+)", RulesTimeout)

    # small typed getters that stages use to read their sections
    def get(self, section: Mapping, key: str, kind: type | tuple, default: Any = None) -> Any:
        value = section.get(key, default)
        if value is default:
            return value
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            names = " or ".join(dict.fromkeys(_KIND_NAMES.get(k, k.__name__) for k in kinds))
            raise self.at(key).error(f"expected {names}, got {_kind_of(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.at(key).error(f"expected a finite number, got {value}")
        return value

    def integer(self, section: Mapping, key: str, default: int, lo: int | None = None, hi: int | None = None) -> int:
        """An integer threshold within [lo, hi] (either end open when None)."""
        value = self.get(section, key, int, default)
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise self.at(key).error(f"expected an integer {_range(lo, hi)}, got {_digits(value)}")
        return value

    def number(self, section: Mapping, key: str, default: float, lo: float | None = None, hi: float | None = None,
               above: float | None = None) -> float:
        """A number within [lo, hi] (or above ``above``, exclusive): shares and densities are 0 to 1."""
        value = self.get(section, key, float, float(default))
        if (lo is not None and value < lo) or (hi is not None and value > hi) or (above is not None and value <= above):
            raise self.at(key).error(f"expected a number {_range(lo, hi, above)}, got {value:g}")
        return value

    def regex(self, pattern: Any, flags: int = 0, joined: bool = False) -> RulePattern:
        """A pattern compiled from the rules: bounded in size before it compiles, in time when it runs.
        ``joined``: it will be joined with others into one alternation, where a flag it sets for
        the whole pattern (``(?x)`` rather than ``(?x:...)``) would change the others too."""
        from . import patterns

        if not isinstance(pattern, str):
            raise self.error(f"expected a regular expression string, got {_kind_of(pattern)}")
        try:
            compiled = patterns.compile_rule(pattern, flags, self, self._spend)
        except (regex.error, ValueError, OverflowError) as exc:
            raise self.error(f"invalid regular expression {_shown(pattern)}: {exc}") from None
        except RecursionError:
            raise self.error(f"invalid regular expression {_shown(pattern)}: nested too deeply") from None
        if joined and compiled.inline_flags:
            letters = "".join(f.name if f.name == "L" else f.name.lower() for f in regex.RegexFlag
                              if f.value & compiled.inline_flags and f.name and len(f.name) == 1)
            raise self.error(f"(?{letters}) sets a flag for the whole pattern, and this one is joined with others, "
                             f"which it would change too: scope it, as in (?{letters}:...)")
        return compiled

    def regex_any(self, items: Sequence[str], flags: int = 0, template: str = "{}") -> RulePattern:
        """One pattern for a list of them (``template`` holds the alternation); each is checked on
        its own, so an error names its entry, and a pattern that runs too long is named too."""
        from . import patterns

        members = [self.at(i).regex(item, flags, joined=True) for i, item in enumerate(items)]
        return patterns.combine(members, flags, template, self)

    def _spend(self, units: int) -> None:
        from . import patterns

        if units > patterns.MAX_UNITS:
            raise self.error(f"the pattern compiles to more than {patterns.MAX_UNITS} units (its counted repeats "
                             "multiply: (?:a{1000}){1000} is a million); use smaller counts or {0,n}")
        self._spent[0] += units
        if self._spent[0] > patterns.MAX_FILE_UNITS:
            raise self.error(f"the patterns of this file compile to more than {patterns.MAX_FILE_UNITS} units")


# the names a rules file's author knows (YAML's), not Python's
_KIND_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false", list: "a list",
               tuple: "a list", Mapping: "a mapping", dict: "a mapping", type(None): "nothing (null)"}


def _kind_of(value: Any) -> str:
    for kind in (bool, str, int, float, Mapping, list, tuple, type(None)):
        if isinstance(value, kind):
            return _KIND_NAMES[kind]
    return type(value).__name__


def _digits(value: int) -> str:
    text = str(value)
    return text if len(text) <= 20 else f"{text[:8]}... ({len(text.lstrip('-'))} digits)"


def _range(lo: float | None, hi: float | None, above: float | None = None) -> str:
    low = f">= {lo:g}" if lo is not None else (f"> {above:g}" if above is not None else None)
    if low and hi is not None:
        return f"{low} and <= {hi:g}" if above is not None else f"from {lo:g} to {hi:g}"
    return low or (f"<= {hi:g}" if hi is not None else "")


class _Asked(Mapping):
    """A section as a stage's ``compile`` reads it: records the keys it asks for, so that a key it
    never asks for (a typo, a rule for another stage) is an error instead of silently doing nothing.
    Any read counts (``get``, ``in``, ``[]``, iterating), so a compile that walks its section is fine.
    Mappings inside it (directly or in lists) are handed out as ``_Asked`` too, so the check reaches
    every depth without the compile functions doing anything for it.
    """

    def __init__(self, data: Mapping):
        self._data = data
        self.asked: set = set()
        self.children: dict = {}  # key -> the value as handed out (watched)

    def _value(self, key: Any) -> Any:
        if key not in self.children:
            self.children[key] = _watched(self._data[key])
        return self.children[key]

    def __getitem__(self, key: Any) -> Any:
        self.asked.add(key)
        return self._value(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self.asked.add(key)
        return self._value(key) if key in self._data else default

    def __contains__(self, key: object) -> bool:
        self.asked.add(key)
        return key in self._data

    def __iter__(self):
        self.asked.update(self._data)
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return repr(self._data)


def _watched(value: Any) -> Any:
    if isinstance(value, Mapping):
        return _Asked(value)
    if isinstance(value, tuple) and any(isinstance(v, (Mapping, tuple)) for v in value):
        return tuple(_watched(v) for v in value)
    return value


def _unread(value: Any, path: tuple) -> Iterator[tuple[tuple, _Asked]]:
    """(key path, its mapping) of every key that was never read, in file order."""
    if isinstance(value, _Asked):
        for key in value._data:
            if key not in value.asked:
                yield path + (key,), value
            elif key in value.children:
                yield from _unread(value.children[key], path + (key,))
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from _unread(item, path + (i,))


def _compile_section(compiler: Any, section: Mapping, where: Where) -> Any:
    """``compiler(section, where)``, then an error for any key, at any depth, it never read."""
    asked = _Asked(_freeze(section))
    compiled = compiler(asked, where)
    for path, mapping in _unread(asked, ()):
        known = ", ".join(sorted(str(k) for k in mapping.asked))
        raise where.at(*path).error(f"unknown key (this section knows: {known or 'no keys'})")
    return compiled


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


# --- reading the YAML ------------------------------------------------------------------------------

_OPENS = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken, yaml.FlowMappingStartToken,
          yaml.FlowSequenceStartToken)
_CLOSES = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def _check_nesting(text: str, file: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before composing: PyYAML's composer recurses once per
    level (100,000 levels are a RecursionError), while its scanner does not. The key path is kept
    along the way so the error names where the nesting goes too deep."""
    frames: list[list] = []  # per open collection: [is a mapping, its current key or index]
    after_key = False
    for token in yaml.scan(text, Loader=_YAML_LOADER):
        if isinstance(token, _OPENS):
            is_map = isinstance(token, (yaml.BlockMappingStartToken, yaml.FlowMappingStartToken))
            frames.append([is_map, None if is_map else (0 if isinstance(token, yaml.FlowSequenceStartToken) else -1)])
            if len(frames) > MAX_DEPTH:
                path = tuple(f[1] for f in frames[:-1] if f[1] is not None)[:4]  # where it starts
                raise Where(file, {path: token.start_mark.line + 1}, path).error(
                    f"nested more than {MAX_DEPTH} levels deep")
        elif isinstance(token, _CLOSES):
            if frames:
                frames.pop()
        elif isinstance(token, (yaml.BlockEntryToken, yaml.FlowEntryToken)):
            if frames and not frames[-1][0]:
                frames[-1][1] += 1
        elif isinstance(token, yaml.ScalarToken) and after_key and frames and frames[-1][0]:
            frames[-1][1] = token.value
        after_key = isinstance(token, yaml.KeyToken)


class _Reading:
    """State of one conversion of the composed YAML into Python values."""

    def __init__(self, file: str, lines: dict):
        self.file, self.lines = file, lines
        self.constructor = yaml.constructor.SafeConstructor()
        self.seen: set[int] = set()  # nodes converted (an alias makes a node come back)
        self.inside: set[int] = set()  # collections being converted: one met again contains itself
        self.values = 0

    def error(self, path: tuple, message: str) -> RulesError:
        return Where(self.file, self.lines, path).error(message)


_MAP_TAG, _SEQ_TAG = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


def _to_python(node: yaml.Node, path: tuple, reading: _Reading) -> Any:
    reading.lines[path] = node.start_mark.line + 1
    if len(path) > MAX_DEPTH:
        raise reading.error(path[:4], f"nested more than {MAX_DEPTH} levels deep (through aliases)")
    reading.values += 1
    reading.seen.add(id(node))
    if reading.values - len(reading.seen) > MAX_ALIAS_VALUES:
        raise reading.error(path, f"aliases expand to more than {MAX_ALIAS_VALUES} values (an alias bomb?)")
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, path, reading)
    if id(node) in reading.inside:
        raise reading.error(path, "a recursive alias: the value contains itself")
    if node.tag not in (_MAP_TAG, _SEQ_TAG):
        raise reading.error(path, f"unsupported tag {node.tag!r} (plain mappings and lists only)")
    reading.inside.add(id(node))
    try:
        if isinstance(node, yaml.SequenceNode):
            return [_to_python(v, path + (i,), reading) for i, v in enumerate(node.value)]
        out: dict = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise RulesError(f"{reading.file}:{line}: keys must be plain strings")
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise RulesError(f"{reading.file}:{line}: merge keys (<<) are not supported: write the keys out")
            if not key_node.tag.startswith("tag:yaml.org,2002:") or "python/" in key_node.tag:
                raise RulesError(f"{reading.file}:{line}: unsupported tag {key_node.tag!r} on a key")
            key = key_node.value
            if key in out:
                raise RulesError(f"{reading.file}:{line}: duplicate key {key!r}")
            out[key] = _to_python(value_node, path + (key,), reading)
            reading.lines[path + (key,)] = line
        return out
    finally:
        reading.inside.discard(id(node))


def _scalar(node: yaml.ScalarNode, path: tuple, reading: _Reading) -> Any:
    try:
        return reading.constructor.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        raise reading.error(path, f"cannot read the value: {exc.problem}") from None
    except (ValueError, OverflowError) as exc:
        if node.tag == "tag:yaml.org,2002:int":
            raise reading.error(path, f"a number of {len(node.value)} characters is too long to read") from None
        raise reading.error(path, f"cannot read the value {_shown(node.value)}: {str(exc).splitlines()[0]}") from None


def _compose(text: str, file: str) -> yaml.Node | None:
    try:
        _check_nesting(text, file)
        return yaml.compose(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise RulesError(f"{file}:{line}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from None


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
    text: Any = None  # the shared text tests' settings (textrules.TextRules, from the text: section)
    read: Any = None  # the readers' settings (sources.ReadRules, from the read: section)
    sites: Mapping[str, Site] = field(default_factory=lambda: MappingProxyType({}))
    site_rules: bool = True
    report: Any = None  # rule families for the report and the summary (report.families.Families, report:)

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
    from .stages import COMPILERS, DEFAULT_ORDER, MODULES, STAGES, order_problems

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RulesError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    node = _compose(text, file)
    lines: dict = {}
    raw = _to_python(node, (), _Reading(file, lines)) if node is not None else {}
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
        if not isinstance(name, str) or name not in STAGES or name == "decode":
            raise where.at("stages", i).error(f"unknown stage {name!r} (known: {', '.join(STAGES)})")
    for i, problem in order_problems(stages)[:1]:
        raise where.at("stages", i).error(problem)
    text_rules, read_rules, report_rules = (
        _compile_shared(raw, name, compiler, where)
        for name, compiler in ((textrules.NAME, textrules.compile), (sources.NAME, sources.compile),
                               (families.NAME, families.compile)))
    compiled = {}
    for name in STAGES:
        section = raw.get(name)
        section = {} if section is None else section
        if not isinstance(section, dict):
            raise where.at(name).error("expected a mapping")
        compiled[name] = _compile_section(COMPILERS[name], section, where.at(name)) if name in COMPILERS else _freeze(section)
    raw_sites = raw.get("sites")
    raw_sites = {} if raw_sites is None else raw_sites
    if not isinstance(raw_sites, dict):
        raise where.at("sites").error("expected a mapping of domain -> site rules")
    # what a stage reads from a site's rules: its module's SITE_RULES (keys of its section)
    readers = {m.NAME: tuple(getattr(m, "SITE_RULES", ())) for m in MODULES}
    readers = {name: keys for name, keys in readers.items() if keys and name in COMPILERS}
    sites = {}
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
            if key not in readers:
                problem = f"the {key} stage reads no site rules" if key in STAGES else "unknown stage"
                raise w.at(key).error(f"{problem} (site rules are read by: {', '.join(sorted(readers))}; "
                                      "a site also has a signature)")
            if not isinstance(section, dict):
                raise w.at(key).error("expected a mapping")
            for name in section:
                if name not in readers[key]:
                    raise w.at(key, name).error(f"the {key} stage does not read this from site rules "
                                                f"(it reads: {', '.join(readers[key])})")
            site_stages[key] = _compile_section(COMPILERS[key], section, w.at(key))
        sites[domain.lower()] = Site(domain.lower(), tuple(s.strip() for s in signatures), MappingProxyType(site_stages))
    return Rules(file, hashlib.sha256(data).hexdigest(), tuple(stages), MappingProxyType(compiled), text_rules,
                 read_rules, MappingProxyType(sites), report=report_rules)


def _compile_shared(raw: Mapping, name: str, compiler: Any, where: Where) -> Any:
    """A section that is not a stage's (text:, read:), compiled; absent means all defaults."""
    section = raw.get(name)
    section = {} if section is None else section
    if not isinstance(section, dict):
        raise where.at(name).error("expected a mapping")
    return _compile_section(compiler, section, where.at(name))
