"""Traditional -> simplified conversion: OpenCC `t2s`, then fixes from the rules.

`[[t2s_keep]]` characters are left as written (OpenCC changes them, the simplified standard keeps
them); `[[t2s_particle]]` rewrites a character that traditional text uses for two words (著: the
particle 着 and 著 of 著名) wherever it is not inside one of its listed words; `[[t2s_fix]]`
replaces phrases OpenCC gets wrong.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import regex

from ..rules import RuleSet

#: The pinned OpenCC configuration. `tw2sp` rewrites mainland vocabulary and must never be used.
OPENCC_CONFIG = "t2s"

_converter = None
_lock = threading.Lock()
_fix_cache: dict[tuple[str, ...], list[tuple[str, str]]] = {}
_keep_cache: dict[tuple[str, ...], "regex.Pattern[str] | None"] = {}
_particle_cache: dict[tuple[str, ...], list[tuple["regex.Pattern[str]", str, str]]] = {}


def converter():
    """The module's one OpenCC `t2s` converter, created on first use."""
    global _converter
    if _converter is None:
        with _lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC(OPENCC_CONFIG)
    return _converter


def t2s(text: str) -> str:
    """Plain OpenCC `t2s` conversion, without phrase fixes.

    >>> t2s("黨建工作")
    '党建工作'
    """
    return converter().convert(text)


#: Lines converted lately, line -> t2s(line): cleaning converts every line of an article to match
#: its rules, twice when inline junk was cut, and conversion converts the lines cleaning kept.
_lines: dict[str, str] = {}
#: Characters of the lines `_lines` keeps before it is emptied (a longer line is not kept).
LINE_CACHE_CHARS = 1_000_000
_kept_chars = 0


def t2s_lines(lines: Sequence[str]) -> list[str]:
    """`t2s` of every line, as `t2s("\\n".join(lines)).split("\\n")` (OpenCC's segments never cross a line
    break, so a text converts line by line to the same result); a line converted lately is not converted again.

    >>> t2s_lines(["黨建工作", "", "發展"])
    ['党建工作', '', '发展']
    """
    cache = _lines
    # an ASCII line is its own conversion (OpenCC's tables hold no ASCII): a third of a scraped
    # page's characters are such lines (links, markup), which need no call
    out = [line if line.isascii() else cache.get(line) for line in lines]
    missing = list(dict.fromkeys(line for line, view in zip(lines, out) if view is None))
    if not missing:
        return out  # type: ignore[return-value]
    converted = t2s("\n".join(missing)).split("\n")
    if len(converted) != len(missing):  # a line that holds a line break itself
        converted = [t2s(line) for line in missing]
    found = dict(zip(missing, converted))
    global _kept_chars
    size = sum(map(len, missing))
    if _kept_chars + size > LINE_CACHE_CHARS:
        cache.clear()
        _kept_chars = 0
    if size <= LINE_CACHE_CHARS:
        cache.update(found)
        _kept_chars += size
    return [found[line] if view is None else view for line, view in zip(lines, out)]


def _fixes(rules: RuleSet) -> list[tuple[str, str]]:
    key = rules.fingerprint()
    fixes = _fix_cache.get(key)
    if fixes is None:
        # Longer wrong strings first, so a phrase fix wins over a one-character fix inside it.
        pairs = [(r.get("wrong"), r.get("right")) for r in rules.section("t2s_fix")]
        fixes = sorted(pairs, key=lambda p: -len(p[0]))
        _fix_cache[key] = fixes
    return fixes


def apply_fixes(text: str, fixes: list[tuple[str, str]]) -> str:
    """Replace every `wrong` by its `right`, longest `wrong` first.

    >>> apply_fixes("跟著群众走", [("著", "着")])
    '跟着群众走'
    """
    for wrong, right in fixes:
        if wrong in text:
            text = text.replace(wrong, right)
    return text


def _keep_pattern(rules: RuleSet) -> regex.Pattern[str] | None:
    key = rules.fingerprint()
    if key not in _keep_cache:
        chars = "".join(r.get("char") for r in rules.section("t2s_keep"))
        _keep_cache[key] = regex.compile("[" + regex.escape(chars) + "]") if chars else None
    return _keep_cache[key]


def _particles(rules: RuleSet) -> list[tuple[regex.Pattern[str], str, str]]:
    key = rules.fingerprint()
    if key not in _particle_cache:
        found = []
        for rule in rules.section("t2s_particle"):
            words = sorted(rule.get("keep_words", []), key=len, reverse=True)
            # leftmost word first: 显著 takes its 著 before a bare 著 is looked at
            pattern = regex.compile("|".join([regex.escape(w) for w in words] + [regex.escape(rule.get("char"))]))
            found.append((pattern, rule.get("char"), rule.get("right")))
        _particle_cache[key] = found
    return _particle_cache[key]


def rewrite_particle(text: str, pattern: regex.Pattern[str], char: str, right: str) -> str:
    """Replace `char` by `right` wherever `pattern` matches it bare, not inside one of its kept words.

    >>> rewrite_particle("显著提高，意味著增长", regex.compile("显著|著"), "著", "着")
    '显著提高，意味着增长'
    """
    return pattern.sub(lambda m: right if m.group() == char else m.group(), text)


def _convert_keeping(text: str, keep: regex.Pattern[str] | None) -> str:
    """OpenCC `t2s`, with the `[[t2s_keep]]` characters left as written."""
    if keep is None or not keep.search(text):
        return t2s(text)
    out, start = [], 0
    for match in keep.finditer(text):
        out.append(t2s(text[start : match.start()]) + match.group())
        start = match.end()
    out.append(t2s(text[start:]))
    return "".join(out)


def to_simplified(text: str, rules: RuleSet) -> str:
    """Convert to simplified characters with OpenCC `t2s`; the rules' fixes apply only when the text changed."""
    converted = "\n".join(t2s_lines(text.split("\n")))
    if converted == text:
        # Simplified input passes through unchanged: 著 in 著名 or 显著 is right there.
        return text
    keep = _keep_pattern(rules)
    if keep is not None and keep.search(text):
        converted = _convert_keeping(text, keep)
    for pattern, char, right in _particles(rules):
        if char in converted:
            converted = rewrite_particle(converted, pattern, char, right)
    return apply_fixes(converted, _fixes(rules))
