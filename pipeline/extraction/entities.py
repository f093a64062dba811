"""The place/organisation ruler: spaCy's SpanRuler, run only over the tokens a pattern can use.

spaCy's Matcher starts every pattern at every token and calls each Python predicate (`IN`,
`NOT_IN`, `REGEX`) of the pattern's first tokens there, so its cost is tokens x patterns; most
tokens of a news text (punctuation, numbers, particles, and the unsegmented sentences without a
quantity, one token each) can take part in no pattern. `EntityRuler` reads each token pattern's
`TEXT`/`ORTH` and `TAG` constraints, marks a token that no pattern token accepts as a barrier, and
runs the Matcher only from a token that can open a match to the next barrier: the same matches as
the Matcher over the whole Doc (a match uses no barrier and starts on an opener), found in a tenth of the
tokens. A constraint it does not read (another attribute, operator or `OP = "!"`) counts as
accepting every token, so any pattern gives the same spans, only less quickly.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from spacy.attrs import ORTH, TAG
from spacy.pipeline.span_ruler import SpanRuler
from spacy.tokens import Doc, Span

#: A test of one token pattern on (text, tag): False only when the pattern token cannot accept it.
TokenTest = Callable[[str, str], bool]

#: `OP` values under which a pattern token may match no token (what follows it can open the match).
_OPTIONAL = re.compile(r"^(?:[?*]|\{0?,\d*\}|\{0\})$")
#: `OP` values understood (others, `!` above all, turn the pre-filter off).
_KNOWN_OP = re.compile(r"^(?:[?*+1]|\{\d*,?\d*\})$")

#: Entries of the (text, tag) -> use cache kept before it is emptied (unsegmented sentences are
#: tokens of their own, so a large corpus has millions of distinct ones).
_CACHE_LIMIT = 100_000

#: Use of a token: no pattern token accepts it, some does, or some first token of a pattern does.
_BARRIER, _INNER, _OPENER = 0, 1, 2


def _value_test(value: Any) -> Callable[[str], bool] | None:
    """Test of one attribute's constraint (a string, or a dict of IN, NOT_IN, REGEX); None when not understood."""
    if isinstance(value, str):
        return value.__eq__
    if not isinstance(value, dict):
        return None
    tests: list[Callable[[str], bool]] = []
    for op, arg in value.items():
        op = op.upper() if isinstance(op, str) else op
        if op == "IN" and isinstance(arg, list) and all(isinstance(a, str) for a in arg):
            tests.append(frozenset(arg).__contains__)
        elif op == "NOT_IN" and isinstance(arg, list) and all(isinstance(a, str) for a in arg):
            excluded = frozenset(arg)
            tests.append(lambda s, excluded=excluded: s not in excluded)
        elif op == "REGEX" and isinstance(arg, str):
            search = re.compile(arg).search  # spaCy's REGEX: Python's re, searched in the attribute
            tests.append(lambda s, search=search: search(s) is not None)
        # any other operator constrains nothing here (the test stays necessary, not sufficient)
    return lambda s: all(test(s) for test in tests)


def token_test(spec: dict) -> TokenTest:
    """What one pattern token asks of (text, tag), as far as read here (TEXT/ORTH, TAG); else anything passes."""
    text_tests: list[Callable[[str], bool]] = []
    tag_tests: list[Callable[[str], bool]] = []
    for key, value in spec.items():
        name = key.upper() if isinstance(key, str) else key
        if name == "OP":
            continue
        test = _value_test(value)
        if test is None:
            continue
        if name in ("TEXT", "ORTH"):
            text_tests.append(test)
        elif name == "TAG":
            tag_tests.append(test)
    return lambda text, tag: all(t(tag) for t in tag_tests) and all(t(text) for t in text_tests)


def _op(spec: dict) -> str:
    for key, value in spec.items():
        if isinstance(key, str) and key.upper() == "OP":
            return str(value)
    return "1"


def compile_prefilter(patterns: Sequence[dict]) -> tuple[list[TokenTest], list[TokenTest]] | None:
    """The tests of every pattern token and of those that can open a match, or None when a pattern
    is not read (a phrase pattern is matched apart and needs none; an unknown `OP` or `!` needs the whole Doc)."""
    any_tests: list[TokenTest] = []
    open_tests: list[TokenTest] = []
    for entry in patterns:
        pattern = entry["pattern"]
        if isinstance(pattern, str):
            continue
        opening = True
        for spec in pattern:
            if not isinstance(spec, dict) or not _KNOWN_OP.match(_op(spec)):
                return None
            test = token_test(spec)
            any_tests.append(test)
            if opening:
                open_tests.append(test)
                opening = bool(_OPTIONAL.match(_op(spec)))
    return any_tests, open_tests


class EntityRuler(SpanRuler):
    """SpanRuler whose token Matcher runs only from a token that can open a pattern to the next
    token no pattern accepts (see the module docstring); the same spans as SpanRuler."""

    _prefilter: tuple[list[TokenTest], list[TokenTest]] | None = None
    _prefilter_ready = False
    _uses: dict[tuple[int, int], int]

    def add_patterns(self, patterns) -> None:  # noqa: ANN001 - SpanRuler's signature
        """SpanRuler.add_patterns; the pre-filter is read again."""
        super().add_patterns(patterns)
        self._prefilter_ready = False

    def clear(self) -> None:
        """SpanRuler.clear; the pre-filter is read again."""
        super().clear()
        self._prefilter_ready = False

    def remove(self, label: str) -> None:
        """SpanRuler.remove; the pre-filter is read again."""
        super().remove(label)
        self._prefilter_ready = False

    def remove_by_id(self, pattern_id: str) -> None:
        """SpanRuler.remove_by_id; the pre-filter is read again."""
        super().remove_by_id(pattern_id)
        self._prefilter_ready = False

    def _windows(self, doc: Doc) -> list[tuple[int, int]] | None:
        """Token ranges that hold every match: from an opener to the next barrier; None: the whole Doc."""
        if not self._prefilter_ready:
            self._prefilter = compile_prefilter(self.patterns)
            self._prefilter_ready = True
            self._uses = {}
        if self._prefilter is None:
            return None
        any_tests, open_tests = self._prefilter
        uses = self._uses
        if len(uses) > _CACHE_LIMIT:
            uses.clear()
        strings = doc.vocab.strings
        kinds = []
        for orth, tag in doc.to_array([ORTH, TAG]).tolist():
            use = uses.get((orth, tag))
            if use is None:
                text, tag_ = strings[orth], strings[tag] if tag else ""
                if any(test(text, tag_) for test in open_tests):
                    use = _OPENER
                elif any(test(text, tag_) for test in any_tests):
                    use = _INNER
                else:
                    use = _BARRIER
                uses[(orth, tag)] = use
            kinds.append(use)
        windows = []
        i, n = 0, len(kinds)
        while i < n:
            if kinds[i] != _OPENER:
                i += 1
                continue
            j = i + 1
            while j < n and kinds[j] != _BARRIER:
                j += 1
            windows.append((i, j))
            i = j
        return windows

    def match(self, doc: Doc) -> list[Span]:
        """SpanRuler.match, the token Matcher run over the windows of `_windows`."""
        self._require_patterns()
        windows = self._windows(doc)
        if windows is None:
            return super().match(doc)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="\\[W036")
            matches = list(self.phrase_matcher(doc))
            for start, end in windows:
                matches.extend((m_id, start + s, start + e) for m_id, s, e in self.matcher(doc[start:end]))
        deduplicated = {
            Span(doc, start, end, label=self._match_label_id_map[m_id]["label"], span_id=self._match_label_id_map[m_id]["id"])
            for m_id, start, end in matches
            if start != end
        }
        return sorted(deduplicated)
