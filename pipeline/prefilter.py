"""What a rule pattern needs in a text before it can match there: sets of characters, computed from the pattern.

A rule pattern is run over every line, sentence or article, and most texts hold none of the
characters the pattern needs (a `[[time]]` piece needs 年, 月, 日 … somewhere in the sentence, a
boilerplate line rule its cue words). `required_chars` reads the pattern (with the standard
library's parser of regular expressions, which reads the syntax the rules use) and gives sets of
characters such that every match (lookarounds included) holds at least one character of each set;
`RulePattern` skips a text without them, which gives the same matches at a fraction of the cost.
When a pattern uses syntax the parser does not read as `regex` does (fuzzy matching, POSIX or
nested sets, case-insensitive matching), nothing is required: the pattern is always run.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Iterable

#: A set of characters larger than this is too common to be worth testing (and costs a scan per character).
MAX_SET = 24
#: A character class of more code points than this (a range such as 0-9 counts its size) requires nothing.
MAX_CLASS = 16

# `regex` syntax that the standard parser reads differently, or not at all: fuzzy constraints
# ({e<=1}), POSIX classes ([[:alpha:]]), nested sets and set operations of VERSION1.
_UNSAFE = re.compile(r"\{[^{}]*[eisd]\s*[<=]|(?<!\\)(?:\\\\)*\[(?:\[|:\^?\w+:\])|\(\?[a-zA-Z]*(?:V1|[if])")
# \p{…} and \P{…} (Unicode properties): read as the categories \d and \D (a class that requires nothing)
_PROPERTY = re.compile(r"(?<!\\)((?:\\\\)*)\\([pP])\{[^}]*\}")

Needs = tuple[frozenset[str], ...]


class _GiveUp(Exception):
    pass


def required_chars(pattern: str) -> Needs:
    """Sets of characters every match of `pattern` holds one of each (lookarounds included); () when
    nothing is known to be required.

    >>> [sorted(s) for s in required_chars("(?:今年|去年|上年)度")]
    [['年'], ['度']]
    >>> [sorted(s) for s in required_chars("[0-9]{1,2}月|首季")]
    [['季', '月']]
    >>> required_chars("(?:当天)?\\\\d+"), required_chars("(?i)abc"), required_chars("\\\\p{Han}")
    ((), (), ())
    """
    if _UNSAFE.search(pattern):
        return ()
    source = _PROPERTY.sub(lambda m: m.group(1) + ("\\d" if m.group(2) == "p" else "\\D"), pattern)
    try:
        from re import _constants as sre  # type: ignore[attr-defined]
        from re import _parser  # type: ignore[attr-defined]

        with warnings.catch_warnings():
            warnings.simplefilter("error")
            parsed = _parser.parse(source)
        if parsed.state.flags & sre.SRE_FLAG_IGNORECASE:
            return ()
        needs = _sequence(parsed, sre)
    except Exception:  # noqa: BLE001 - syntax the standard parser does not read: nothing is required
        return ()
    return minimal_needs(needs)


def minimal_needs(sets: Iterable[frozenset[str]]) -> Needs:
    """Required sets of characters as `holds` tests them: those of 1 to MAX_SET characters, without
    one that holds a smaller required set (it is implied by it), smallest first.

    >>> [sorted(s) for s in minimal_needs([frozenset("年月"), frozenset("年"), frozenset()])]
    [['年']]
    """
    kept = {s for s in sets if 0 < len(s) <= MAX_SET}
    kept = {s for s in kept if not any(t < s for t in kept)}
    return tuple(sorted(kept, key=lambda s: (len(s), sorted(s))))


def compiled_needs(compiled: re.Pattern[str]) -> Needs:
    """`required_chars` of a compiled pattern; under its IGNORECASE flag only the sets of characters
    that have no case (punctuation, digits, Han) are kept.

    >>> [sorted(s) for s in compiled_needs(re.compile("<a[^>]*>", re.I))]
    [['<'], ['>']]
    >>> compiled_needs(re.compile("a b", re.X))
    ()
    """
    if compiled.flags & re.VERBOSE:  # read without the flag, its spaces would count as characters
        return ()
    ignore_case = bool(compiled.flags & re.IGNORECASE)
    needs = required_chars(compiled.pattern)
    if ignore_case:
        needs = tuple(s for s in needs if all(c.lower() == c == c.upper() for c in s))
    return needs


def holds(needs: Needs, text: str) -> bool:
    """True when `text` holds a character of every set of `needs` (so the pattern may match there).

    >>> holds((frozenset("年月"),), "今年以来"), holds((frozenset("年月"),), "今天")
    (True, False)
    """
    for chars in needs:
        for char in chars:
            if char in text:
                break
        else:
            return False
    return True


def _sequence(items, sre) -> list[frozenset[str]]:
    needs: list[frozenset[str]] = []
    for op, av in items:
        needs.extend(_item(op, av, sre))
    return needs


def _item(op, av, sre) -> list[frozenset[str]]:
    if op is sre.LITERAL:
        return [frozenset(chr(av))]
    if op is sre.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is sre.LITERAL:
                chars.add(chr(value))
            elif kind is sre.RANGE and value[1] - value[0] < MAX_CLASS:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            else:  # NEGATE, CATEGORY, a wide range: anything may stand there
                return []
        return [frozenset(chars)] if len(chars) <= MAX_CLASS else []
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, inner = av
        if add_flags & sre.SRE_FLAG_IGNORECASE:
            raise _GiveUp
        return _sequence(inner, sre)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)):
        low, _high, inner = av
        return _sequence(inner, sre) if low >= 1 else []
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _sequence(av, sre)
    if op is sre.ASSERT:  # a positive lookaround's text is in the string too
        return _sequence(av[1], sre)
    if op is sre.BRANCH:
        return _branches([_sequence(branch, sre) for branch in av[1]])
    # ASSERT_NOT, ANY, NOT_LITERAL, AT, CATEGORY, group references: nothing required
    return []


def _branches(branches: list[list[frozenset[str]]]) -> list[frozenset[str]]:
    """One set for an alternation: from each branch one of its required sets, chosen so that the
    union stays small (年 for 今年|去年|年底), or nothing when a branch requires nothing."""
    if not branches or any(not b for b in branches):
        return []
    shared = Counter(c for branch in branches for c in set().union(*branch))
    union: set[str] = set()
    for branch in branches:
        best = min(branch, key=lambda s: (len(s - union), -max(shared[c] for c in s), len(s), sorted(s)))
        union |= best
    return [frozenset(union)]
