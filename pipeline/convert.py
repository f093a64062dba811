"""Traditional -> simplified conversion: OpenCC `t2s`, then phrase fixes from `[[t2s_fix]]` rules."""

from __future__ import annotations

import threading

from .rules import RuleSet

#: The pinned OpenCC configuration. `tw2sp` rewrites mainland vocabulary and must never be used.
OPENCC_CONFIG = "t2s"

_converter = None
_lock = threading.Lock()
_fix_cache: dict[tuple[str, ...], list[tuple[str, str]]] = {}


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


def to_simplified(text: str, rules: RuleSet) -> str:
    """Convert to simplified characters with OpenCC `t2s`; apply `t2s_fix` rules only when the text changed."""
    converted = t2s(text)
    if converted == text:
        # Simplified input passes through unchanged: 著 in 著名 or 显著 is right there.
        return text
    return apply_fixes(converted, _fixes(rules))
