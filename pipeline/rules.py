"""Rule files: load every `*.toml` of the rule directories, validate it, name file and line.

A rule file holds arrays of tables, one array per rule section (`[[unit]]`, `[[exclusion]]`,
...). Every rule has an `id`; a later directory (a user's `--rules DIR`) replaces a rule of the
same id and adds new ones. Each section's keys and types are declared in `SCHEMAS`; an unknown key
or a wrong type is a `RuleError` that names the file and the line of the rule.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache import known_patterns, parsed_rule_files
from .prefilter import holds, required_chars

# Type names used by the schemas below.
STR, INT, NUMBER, BOOL, STRS, EXAMPLES = "str", "int", "number", "bool", "list[str]", "list[example]"
PATTERN = "str or list[table]"

#: Keys an example table may carry; each is checked against the pipeline's output when present.
EXAMPLE_KEYS: dict[str, str] = {
    "text": STR,
    "quantity": STR,
    "value": NUMBER,
    "high": NUMBER,
    "unit": STR,
    "kind": STR,
    "qualifier": STR,
    "entity": STR,
    "role": STR,
    "where": STR,
    "time": STR,
    "clean": STR,
    "xfail": STR,
    # periods.toml: the article's date, a period's ends, the region, the currency, a dateline's reference
    "date": STR,
    "start": STR,
    "end": STR,
    "region": STR,
    "currency": STR,
    "reference": STR,
}

_COMMON: dict[str, str] = {"id": STR, "note": STR, "examples": EXAMPLES, "counterexamples": STRS}

#: section name -> {key: type}; `id` is required everywhere, `REQUIRED` lists the rest.
SCHEMAS: dict[str, dict[str, str]] = {
    # extraction: quantities
    "unit": {**_COMMON, "surface": STRS, "unit": STR, "kind": STR, "scale": NUMBER, "numerals": STR, "not_before": STRS, "max_value": NUMBER, "alone": BOOL, "bare_multiplier": BOOL},
    "counter_tag": {**_COMMON, "tags": STRS, "kind": STR, "not_surface": STRS},
    "noun_count": {**_COMMON, "surface": STRS},
    "multiplier": {**_COMMON, "surface": STRS, "factor": NUMBER},
    "numeral": {**_COMMON, "surface": STRS, "value": NUMBER, "role": STR, "numerals": STR, "not_after": STRS, "not_before": STRS},
    "qualifier": {**_COMMON, "surface": STRS, "qualifier": STR, "position": STR, "reach": INT, "across": STRS},
    "range": {**_COMMON, "surface": STRS, "unit_on_both": BOOL, "first_without_unit": BOOL, "not_after": STRS, "paired": BOOL},
    "currency_prefix": {**_COMMON, "surface": STRS, "unit": STR},
    "exclusion": {**_COMMON, "pattern": STR, "numerals": STR, "kind": STR},
    "bare_number": {**_COMMON, "pattern": STR, "kind": STR},
    # extraction: context
    "entity": {**_COMMON, "label": STR, "pattern": PATTERN},
    "time": {**_COMMON, "pattern": STR, "attach": STR, "weak": BOOL, "day": BOOL, "follows": BOOL, "carries": BOOL, "restates": BOOL},
    "role": {**_COMMON, "pattern": STR, "role": STR, "position": STR, "after_role": STR},
    "entity_cue": {**_COMMON, "surface": STRS, "use": STR},
    "punctuation": {**_COMMON, "surface": STRS, "use": STR},
    "tag_class": {**_COMMON, "tags": STRS, "use": STR, "not_after": STRS},
    # comparable claims (periods.toml)
    "period": {**_COMMON, "pattern": STR, "kind": STR, "start_month": INT, "add": INT, "region": STRS, "unit": STR, "anchor": STR},
    "dateline": {**_COMMON, "pattern": STR, "scope": STR, "lines": INT},
    "region": {**_COMMON, "region": STR, "surface": STRS},
    "currency": {**_COMMON, "code": STR, "surface": STRS, "unit": STRS, "region": STRS},
    # cleaning
    "boilerplate": {
        **_COMMON, "pattern": STR, "position": STR, "drop": STRS, "keep": STRS, "max_length": INT, "resume": BOOL,
    },
    "inline_junk": {**_COMMON, "pattern": STR, "before": STRS, "after": STRS},
    "classifier": {
        **_COMMON, "function_chars": STR, "min_function_density": NUMBER, "good_max_link": NUMBER,
        "bad_min_link": NUMBER, "caption_max_length": INT, "heading_reach": INT, "list_run_min": INT,
        "list_item_max": INT, "table_min_cells": INT, "table_min_numbers": INT,
        "author_name_max": INT, "author_bio_lines": INT, "author_bio_max": INT,
    },
    "t2s_fix": {**_COMMON, "wrong": STR, "right": STR},
    "t2s_keep": {**_COMMON, "char": STR},
    "t2s_particle": {**_COMMON, "char": STR, "right": STR, "keep_words": STRS},
    # comparison across articles (zhclaims compare)
    "compare": {**_COMMON, "use": STR, "surface": STRS, "canonical": STR, "keep": STRS, "pattern": STR},
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "unit": ("surface", "unit", "kind"),
    "counter_tag": ("tags", "kind"),
    "noun_count": ("surface",),
    "multiplier": ("surface", "factor"),
    "numeral": ("surface", "value"),
    "qualifier": ("surface", "qualifier", "position"),
    "range": ("surface",),
    "currency_prefix": ("surface", "unit"),
    "exclusion": ("pattern", "counterexamples"),
    "bare_number": ("pattern", "kind"),
    "entity": ("label", "pattern"),
    "time": ("pattern",),
    "role": ("pattern", "role", "position"),
    "entity_cue": ("surface", "use"),
    "punctuation": ("surface", "use"),
    "tag_class": ("tags", "use"),
    "period": ("pattern", "kind"),
    "dateline": ("pattern", "scope"),
    "region": ("region", "surface"),
    "currency": ("code",),
    "boilerplate": ("pattern",),
    "inline_junk": ("pattern",),
    "classifier": (
        "function_chars", "min_function_density", "good_max_link", "bad_min_link", "caption_max_length",
        "heading_reach", "list_run_min", "list_item_max", "table_min_cells", "table_min_numbers",
    ),
    "t2s_fix": ("wrong", "right"),
    "t2s_keep": ("char",),
    "t2s_particle": ("char", "right", "keep_words"),
    "compare": ("use",),
}

#: Keys whose value is one of a fixed set: (section, key) -> allowed values.
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("entity_cue", "use"): (
        "skip_before", "respectively", "list", "comparison", "comparison_marker", "verbal", "attributive",
        "share", "predicate", "function", "partner", "subject_tag", "not_head_tag", "after_not_head_tag",
        "lead_in", "subject_skip", "clause_end", "list_end", "opening_bracket", "not_after", "governing",
        "place_tag", "heading_marker", "heading_stop", "record", "speech", "primary_list", "subject_skip_tag",
        "reporting", "topic_head_tag", "list_closer", "report", "cumulative", "copula", "unit_noun", "subject_counter", "predicate_tag", "person_group", "household_counter", "household", "name_tag", "age_predicate", "age_clause_tag", "source", "rank_by", "rank", "topic", "route_from", "route_to", "route_place_tag", "place_join", "elaboration", "frame_open", "frame_close", "money_noun",
        "group_pronoun", "group_counter", "money_verb", "empty_tag", "first_person", "total", "adjective_tag", "part_of_whole", "person_counter",
        "base_frame", "share_noun", "place_bracket", "time_object", "apposition", "day_end", "age_pronoun",
    ),
    ("tag_class", "use"): ("nominal", "stop", "function", "function_single", "predicative", "time", "cut_function", "set_phrase", "place_name", "numeral_end", "relative_open", "clause_object", "locative", "noun_word"),
    ("qualifier", "position"): ("before", "after", "infix", "outside", "before_unit", "scope"),
    ("role", "position"): ("before", "after"),
    ("time", "attach"): ("before", "after", "between"),
    ("punctuation", "use"): ("sentence_end", "sentence_close", "part_end", "announce"),
    ("role", "role"): ("from", "to", "delta"),
    ("role", "after_role"): ("from", "to", "delta"),
    ("unit", "kind"): ("count", "money", "percent", "area", "length", "weight", "age", "other"),
    ("unit", "numerals"): ("arabic", "any"),
    ("counter_tag", "kind"): ("count", "money", "percent", "area", "length", "weight", "age", "other"),
    ("exclusion", "kind"): ("count", "money", "percent", "area", "length", "weight", "age", "other"),
    ("bare_number", "kind"): ("count", "money", "percent", "area", "length", "weight", "age", "other"),
    ("exclusion", "numerals"): ("chinese", "any"),
    ("numeral", "numerals"): ("chinese", "any"),
    ("qualifier", "qualifier"): ("approx", "gt", "ge", "lt", "le"),
    ("boilerplate", "position"): ("any", "top", "bottom", "tail"),
    ("numeral", "role"): ("digit", "small", "point", "fraction", "half", "sign", "slash"),
    ("compare", "use"): (
        "strip_before", "strip_after", "synonym", "generic", "skip_kind", "deictic_where", "implicit_where",
        "now", "absolute_time", "attributive_branch", "record_verb", "place_synonym",
    ),
    ("period", "kind"): (
        "year", "fiscal", "months", "day", "ten_days", "point", "until", "since", "from", "join", "span", "same",
        "plan", "anchor", "ignore",
    ),
    ("period", "unit"): ("year", "month", "day"),
    ("dateline", "scope"): ("head", "dropped"),
    ("region", "region"): ("mainland", "HK", "MO", "TW"),
}

_HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z_][\w-]*)\s*\]\]")


class RuleError(ValueError):
    """A rule file that cannot be used; the message names the file and the line."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = str(path)
        self.line = line


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule: its section, id, data, and where it was written."""

    section: str
    id: str
    data: dict[str, Any]
    path: str
    line: int

    def get(self, key: str, default: Any = None) -> Any:
        """Return one key of the rule's data."""
        return self.data.get(key, default)

    @property
    def where(self) -> str:
        """`file:line` of the rule, for messages."""
        return f"{self.path}:{self.line}"


@dataclass(slots=True)
class RuleSet:
    """All rules of the loaded directories, by section, in file order."""

    rules: dict[str, list[Rule]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    dirs: list[Path] = field(default_factory=list)
    #: the learned entity model the claims component uses: `auto` (the last `entity_model.json` of
    #: the directories), `none` (the rule cascade alone: the default, as the candidates cost a
    #: quarter to a third more time end to end on news) or a file path
    entity_model: str = "none"

    def section(self, name: str) -> list[Rule]:
        """Return the rules of one section (empty list when there are none)."""
        return self.rules.get(name, [])

    def all(self) -> Iterable[Rule]:
        """Every rule of every section."""
        for rules in self.rules.values():
            yield from rules

    def fingerprint(self) -> tuple[str, ...]:
        """A hashable identity of the rule set, for caches."""
        return tuple(self.files)


def builtin_rules_dir() -> Path:
    """The rule directory shipped with the tool (the repository's `rules/`)."""
    here = Path(__file__).resolve().parent
    packaged = here / "_builtin_rules"
    if packaged.is_dir():
        return packaged
    return here.parent / "rules"


def _type_ok(value: Any, kind: str) -> bool:
    if kind == STR:
        return isinstance(value, str)
    if kind == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == NUMBER:
        return isinstance(value, (int, float, str)) and not isinstance(value, bool)
    if kind == BOOL:
        return isinstance(value, bool)
    if kind == STRS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == PATTERN:
        return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, dict) for v in value))
    if kind == EXAMPLES:
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    raise AssertionError(kind)


def _validate(section: str, data: dict[str, Any], path: Path, line: int) -> Rule:
    schema = SCHEMAS.get(section)
    if schema is None:
        known = ", ".join(sorted(SCHEMAS))
        raise RuleError(path, line, f"unknown rule section [[{section}]] (known: {known})")
    rule_id = data.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise RuleError(path, line, f"[[{section}]] rule without a string 'id'")
    for key, value in data.items():
        kind = schema.get(key)
        if kind is None:
            raise RuleError(path, line, f"rule '{rule_id}': unknown key '{key}' (allowed: {', '.join(sorted(schema))})")
        if not _type_ok(value, kind):
            raise RuleError(path, line, f"rule '{rule_id}': key '{key}' must be {kind}, not {type(value).__name__}")
        allowed = CHOICES.get((section, key))
        if allowed is not None and value not in allowed:
            raise RuleError(path, line, f"rule '{rule_id}': '{key}' must be one of {', '.join(allowed)}, not {value!r}")
    for key in REQUIRED.get(section, ()):
        if key not in data:
            raise RuleError(path, line, f"rule '{rule_id}': missing required key '{key}'")
    for example in data.get("examples", []):
        # a period example is a time string (its `text`, the sentence, is optional)
        needed = "time" if section == "period" else "text"
        if needed not in example:
            raise RuleError(path, line, f"rule '{rule_id}': an example without '{needed}'")
        for key, value in example.items():
            kind = EXAMPLE_KEYS.get(key)
            if kind is None:
                raise RuleError(path, line, f"rule '{rule_id}': unknown example key '{key}'")
            if not _type_ok(value, kind):
                raise RuleError(path, line, f"rule '{rule_id}': example key '{key}' must be {kind}")
    if isinstance(data.get("pattern"), str) and section != "entity":
        _known(data["pattern"], rule_id, path, line)  # a RuleError here when it does not compile
    return Rule(section=section, id=rule_id, data=data, path=str(path), line=line)


#: Seconds one rule pattern may run on one text (a line, a sentence, an article) before the run
#: stops with PatternTimeout. Read at every match, so a test or a caller may lower it.
PATTERN_TIMEOUT = 2.0


class PatternTimeout(RuntimeError):
    """A rule pattern ran longer than PATTERN_TIMEOUT on one text; the message names the rule, file and line."""


class RulePattern:
    """A rule's compiled `regex` pattern whose search, match, finditer and sub are time-limited.

    A catastrophic pattern written by a user (`(a|aa)+$`) would otherwise hang the batch; here it
    raises PatternTimeout naming the rule, which `extract` reports as that article's failure.
    A text without a character the pattern needs (`prefilter.required_chars`) is not searched: no match.
    A pattern known to compile (`cache.known_patterns`) is compiled when `compiled` is first read;
    any other is compiled here, so that one that does not compile is a RuleError at once.
    """

    __slots__ = ("rule", "pattern", "compiled", "needs")

    def __init__(self, rule: Rule, pattern: str | None = None) -> None:
        self.rule = rule
        #: the source of the pattern (the rule's, or the one given: its macros expanded)
        self.pattern: str = rule.get("pattern") if pattern is None else pattern
        compiled, self.needs = _known(self.pattern, rule.id, rule.path, rule.line)
        if compiled is not None:
            self.compiled = compiled

    def __getattr__(self, name: str):
        # called only for a slot not set yet: `compiled` of a pattern known to compile
        if name != "compiled":
            raise AttributeError(name)
        compiled = _compile(self.pattern, self.rule.id, self.rule.path, self.rule.line)
        self.compiled = compiled
        return compiled

    def may_match(self, string: str) -> bool:
        """False when `string` lacks every character of a set the pattern needs (then nothing matches)."""
        return holds(self.needs, string)

    def _timeout(self, timeout: float | None) -> float:
        return PATTERN_TIMEOUT if timeout is None else timeout

    def _error(self, text: str, timeout: float) -> PatternTimeout:
        return PatternTimeout(
            f"rule '{self.rule.id}' ({self.rule.where}) ran over {timeout}s on a text of {len(text)} characters"
        )

    def search(self, string: str, pos: int = 0, endpos: int | None = None, *, timeout: float | None = None):
        """Like regex's `search`, within the time limit."""
        if self.needs and not holds(self.needs, string):
            return None
        limit = self._timeout(timeout)
        try:
            return self.compiled.search(string, pos, len(string) if endpos is None else endpos, timeout=limit)
        except TimeoutError:
            raise self._error(string, limit) from None

    def match(self, string: str, pos: int = 0, endpos: int | None = None, *, timeout: float | None = None):
        """Like regex's `match`, within the time limit."""
        if self.needs and not holds(self.needs, string):
            return None
        limit = self._timeout(timeout)
        try:
            return self.compiled.match(string, pos, len(string) if endpos is None else endpos, timeout=limit)
        except TimeoutError:
            raise self._error(string, limit) from None

    def finditer(self, string: str, pos: int = 0, endpos: int | None = None, *, timeout: float | None = None):
        """Like regex's `finditer` (all matches at once), within the time limit."""
        if self.needs and not holds(self.needs, string):
            return iter(())
        limit = self._timeout(timeout)
        end = len(string) if endpos is None else endpos
        try:
            return iter(list(self.compiled.finditer(string, pos, end, timeout=limit)))
        except TimeoutError:
            raise self._error(string, limit) from None

    def sub(self, repl: str, string: str, count: int = 0, *, timeout: float | None = None) -> str:
        """Like regex's `sub`, within the time limit."""
        if self.needs and not holds(self.needs, string):
            return string
        limit = self._timeout(timeout)
        try:
            return self.compiled.sub(repl, string, count, timeout=limit)
        except TimeoutError:
            raise self._error(string, limit) from None


def _compile(pattern: str, rule_id: str, path: Path | str, line: int):
    """The compiled `regex` pattern, or a RuleError naming the rule's file and line."""
    import regex

    try:
        return regex.compile(pattern)
    except regex.error as exc:
        raise RuleError(path, line, f"rule '{rule_id}': pattern does not compile: {exc}") from None


def _known(pattern: str, rule_id: str, path: Path | str, line: int):
    """(compiled pattern or None, required characters) of a pattern: one known to compile
    (`cache.known_patterns`) is not compiled (None); any other is compiled now (a RuleError naming
    the rule's file and line when it does not compile) and recorded as known."""
    known = known_patterns()
    needs = known.get(pattern)
    if needs is not None:
        return None, needs
    compiled = _compile(pattern, rule_id, path, line)
    needs = required_chars(pattern)
    known.add(pattern, needs)
    return compiled, needs


def load_file(path: Path) -> list[Rule]:
    """Load and validate one rule file."""
    text = path.read_text(encoding="utf-8")
    parsed = parsed_rule_files()
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
    cached = parsed.get(digest)
    data = None
    if cached is not None:
        try:
            data = marshal.loads(cached)
        except (ValueError, EOFError, TypeError):  # a damaged entry: the file is parsed again
            data = None
    if not isinstance(data, dict):
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"line (\d+)", str(exc))
            raise RuleError(path, int(match.group(1)) if match else 1, f"not valid TOML: {exc}") from None
        try:
            parsed.add(digest, marshal.dumps(data))
        except ValueError:  # a value marshal cannot write (a TOML date): parsed again next time
            pass
    headers: dict[str, list[int]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(raw)
        if match:
            headers.setdefault(match.group(1), []).append(number)
    rules: list[Rule] = []
    for section, entries in data.items():
        lines = headers.get(section, [])
        if not isinstance(entries, list):
            raise RuleError(path, 1, f"top-level key '{section}' must be an array of tables [[{section}]]")
        for index, entry in enumerate(entries):
            line = lines[index] if index < len(lines) else 1
            if not isinstance(entry, dict):
                raise RuleError(path, line, f"[[{section}]] entry {index + 1} is not a table")
            rules.append(_validate(section, entry, path, line))
    return rules


def load_rules(dirs: Sequence[Path | str] | None = None, *, builtin: bool = True) -> RuleSet:
    """Load the built-in rules (unless `builtin` is false) and then each directory in `dirs`.

    A rule whose id is already loaded replaces the earlier one in place.
    """
    ordered: list[Path] = []
    if builtin:
        ordered.append(builtin_rules_dir())
    ordered.extend(Path(d) for d in dirs or ())
    ruleset = RuleSet()
    index: dict[tuple[str, str], int] = {}
    for directory in ordered:
        if not directory.is_dir():
            raise RuleError(directory, 0, "rule directory does not exist")
        ruleset.dirs.append(directory)
        for path in sorted(directory.glob("*.toml")):
            ruleset.files.append(f"{path}:{os.stat(path).st_mtime_ns}")
            for rule in load_file(path):
                bucket = ruleset.rules.setdefault(rule.section, [])
                key = (rule.section, rule.id)
                if key in index and path.parent == Path(bucket[index[key]].path).parent:
                    raise RuleError(path, rule.line, f"duplicate rule id '{rule.id}' (first at {bucket[index[key]].where})")
                if key in index:
                    bucket[index[key]] = rule
                else:
                    index[key] = len(bucket)
                    bucket.append(rule)
    return ruleset
