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

Within the windows, spaCy's Matcher calls a Python predicate for each `IN`, `NOT_IN` and `REGEX`
of each pattern's first token at each token (some 20 per token for the built-in rules). A
`TEXT`/`ORTH` constraint made of those operators asks a thing of the word alone, so `WordFlags`
gives each one a lexeme flag bit, read once per word when a window first holds it; the Matcher
that runs over the windows has the same patterns with those constraints written as flag checks,
which it makes in C. `TAG` constraints (of a token, not of its word) stay predicates.

Before that, a pattern whose tokens that must match ask for characters the text lacks (the `TEXT`
of 邨 in a text without 邨, a `REGEX` ending in 委员会 in a text without 会) cannot match in it:
the openers and barriers are read from the patterns that can (`live_patterns`), so a broad
pattern anchored on a rare word opens no windows in the texts without that word. Only patterns
that could match in fewer than half the texts read so far are left out so, which keeps the sets of
patterns (each with its pre-filter and cache of token uses) few; leaving out fewer gives the same spans.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .libraries import import_spacy

import_spacy()  # spaCy without its command line, before any module of it (see libraries)
from spacy.attrs import ORTH, TAG  # noqa: E402
from spacy.matcher import Matcher  # noqa: E402
from spacy.pipeline.span_ruler import SpanRuler  # noqa: E402
from spacy.tokens import Doc, Span  # noqa: E402

from ..prefilter import Needs, holds, minimal_needs, required_chars
from .context import doc_text

#: A test of one token pattern on (text, tag): False only when the pattern token cannot accept it.
TokenTest = Callable[[str, str], bool]

#: `OP` values under which a pattern token may match no token (what follows it can open the match).
_OPTIONAL = re.compile(r"^(?:[?*]|\{0*,\d*\}|\{0+\})$")
#: `OP` values understood (others, `!` above all, turn the pre-filter off).
_KNOWN_OP = re.compile(r"^(?:[?*+1]|\{\d*,?\d*\})$")

#: Entries of the (text, tag) -> use cache kept before it is emptied (unsegmented sentences are
#: tokens of their own, so a large corpus has millions of distinct ones).
_CACHE_LIMIT = 100_000

#: Sets of live patterns whose pre-filters are kept before they are emptied.
_LIVE_LIMIT = 256

#: Use of a token: no pattern token accepts it, some does, or some first token of a pattern does.
_BARRIER, _INNER, _OPENER = 0, 1, 2

#: The lexeme flag bits spaCy leaves to users (its attributes FLAG19 to FLAG63).
_USER_FLAGS = range(19, 64)


def _operator(op: Any, arg: Any) -> str | None:
    """A constraint's operator (IN, NOT_IN or REGEX, read in any case as spaCy reads it) when it is
    one read here and `arg` is of its kind (a list of strings, a string); else None."""
    op = op.upper() if isinstance(op, str) else op
    if op in ("IN", "NOT_IN") and isinstance(arg, list) and all(isinstance(a, str) for a in arg):
        return op
    if op == "REGEX" and isinstance(arg, str):
        return op
    return None


def _value_test(value: Any) -> Callable[[str], bool] | None:
    """Test of one attribute's constraint (a string, or a dict of IN, NOT_IN, REGEX); None when not understood."""
    if isinstance(value, str):
        return value.__eq__
    if not isinstance(value, dict):
        return None
    sets: list[Callable[[str], bool]] = []
    searches: list[Callable[[str], bool]] = []
    for op, arg in value.items():
        op = _operator(op, arg)
        if op == "IN":
            sets.append(frozenset(arg).__contains__)
        elif op == "NOT_IN":
            excluded = frozenset(arg)
            sets.append(lambda s, excluded=excluded: s not in excluded)
        elif op == "REGEX":
            search = re.compile(arg).search  # spaCy's REGEX: Python's re, searched in the attribute
            searches.append(lambda s, search=search: search(s) is not None)
        # any other operator constrains nothing here (the test stays necessary, not sufficient)
    return _all_of(sets + searches)  # the set lookups first: they are the cheaper


def _all_of(tests: Sequence[Callable[[str], bool]]) -> Callable[[str], bool]:
    """The test that every one of `tests` passes (one function call for a single test)."""
    if not tests:
        return lambda s: True
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda s: first(s) and second(s)
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
    tag_ok, text_ok = _all_of(tag_tests), _all_of(text_tests)
    return lambda text, tag: tag_ok(tag) and text_ok(text)


def _op(spec: dict) -> str:
    for key, value in spec.items():
        if isinstance(key, str) and key.upper() == "OP":
            return str(value)
    return "1"


def _token_specs(patterns: Sequence[dict]) -> list[tuple[dict, bool]] | None:
    """Every token spec of the token patterns with whether it can open a match (it comes before the
    first token that is not optional), or None when a pattern is not read (an unknown `OP` or `!`)."""
    specs: list[tuple[dict, bool]] = []
    for entry in patterns:
        pattern = entry["pattern"]
        if isinstance(pattern, str):
            continue  # a phrase pattern is matched apart
        opening = True
        for spec in pattern:
            if not isinstance(spec, dict) or not _KNOWN_OP.match(_op(spec)):
                return None
            specs.append((spec, opening))
            if opening:
                opening = bool(_OPTIONAL.match(_op(spec)))
    return specs


def compile_prefilter(patterns: Sequence[dict]) -> tuple[list[TokenTest], list[TokenTest]] | None:
    """The tests of every pattern token and of those that can open a match, or None when a pattern
    is not read (a phrase pattern is matched apart and needs none; an unknown `OP` or `!` needs the whole Doc)."""
    specs = _token_specs(patterns)
    if specs is None:
        return None
    any_tests = [token_test(spec) for spec, _ in specs]
    return any_tests, [test for test, (_, opening) in zip(any_tests, specs) if opening]


def pattern_needs(pattern: Sequence[dict]) -> Needs:
    """Sets of characters every match of a token pattern holds one of each, read from the `TEXT`/`ORTH`
    of its tokens that must match (a string, an `IN` list, a `REGEX`); () when nothing is known.

    >>> [sorted(s) for s in pattern_needs([{"TAG": "ns"}, {"TEXT": {"IN": ["村", "社区"]}}])]
    [['村', '社']]
    >>> pattern_needs([{"TEXT": "全", "OP": "?"}, {"TAG": "n"}])
    ()
    """
    needs: set[frozenset[str]] = set()
    for spec in pattern:
        if not isinstance(spec, dict) or not _KNOWN_OP.match(_op(spec)) or _OPTIONAL.match(_op(spec)):
            continue  # a token that may match nothing (or an operator not read) asks for nothing
        for key, value in spec.items():
            if not (isinstance(key, str) and key.upper() in ("TEXT", "ORTH")):
                continue
            if isinstance(value, str):
                needs.update(frozenset(c) for c in value)
            elif isinstance(value, dict):
                for op, arg in value.items():
                    op = op.upper() if isinstance(op, str) else op
                    if op == "IN" and isinstance(arg, list) and arg and all(isinstance(a, str) and a for a in arg):
                        needs.add(frozenset(a[0] for a in arg))
                    elif op == "REGEX" and isinstance(arg, str):
                        needs.update(required_chars(arg))  # spaCy's REGEX is Python's re: the parser read here
    return minimal_needs(needs)


def live_patterns(patterns: Sequence[dict], needs: Sequence[Needs], text: str) -> tuple[int, ...]:
    """Indices of the token patterns (phrase patterns left out) that may match in `text`: those whose
    `pattern_needs` it holds."""
    return tuple(i for i, (entry, need) in enumerate(zip(patterns, needs))
                 if not isinstance(entry["pattern"], str) and holds(need, text))


#: A regular expression that cannot be joined with others (back-references count groups by number or name).
_UNJOINABLE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(|\(\?[aiLmsux]+\)")


def _simple_text(spec: dict) -> tuple[str, Any] | None:
    """("set", texts) or ("regex", pattern) when the one constraint read of `spec` is a TEXT/ORTH
    string, IN list or REGEX (no TAG); else None (the spec keeps its own `token_test`)."""
    read = []
    for key, value in spec.items():
        name = key.upper() if isinstance(key, str) else key
        if name in ("TEXT", "ORTH", "TAG") and _value_test(value) is not None:
            read.append((name, value))
    if len(read) != 1 or read[0][0] == "TAG":
        return None
    value = read[0][1]
    if isinstance(value, str):
        return "set", [value]
    if len(value) != 1:
        return None
    op, arg = next(iter(value.items()))
    op = _operator(op, arg)
    if op == "IN":
        return "set", arg
    if op == "REGEX" and not _UNJOINABLE.search(arg):
        return "regex", arg
    return None


def _tag_test(spec: dict) -> Callable[[str], bool]:
    """The TAG part of `token_test(spec)` (True when it reads no TAG constraint)."""
    tests = [t for key, value in spec.items() if isinstance(key, str) and key.upper() == "TAG"
             for t in [_value_test(value)] if t is not None]
    return _all_of(tests)


class _Accepts:
    """Whether any of some pattern tokens accepts (text, tag), as `any(token_test(s)(text, tag) for s in specs)`:
    the one-constraint TEXT specs joined in one set and one regular expression, the others kept
    apart and sorted out by tag once per tag."""

    def __init__(self, specs: Sequence[dict]) -> None:
        texts: set[str] = set()
        regexes: list[str] = []
        self.others: list[tuple[Callable[[str], bool], TokenTest]] = []
        for spec in specs:
            simple = _simple_text(spec)
            if simple is None:
                self.others.append((_tag_test(spec), token_test(spec)))
            elif simple[0] == "set":
                texts.update(simple[1])
            else:
                regexes.append(simple[1])
        self.texts = frozenset(texts)
        self.searches = [re.compile(r).search for r in regexes]
        if len(regexes) > 1:
            try:
                self.searches = [re.compile("|".join(f"(?:{r})" for r in regexes)).search]
            except re.error:
                pass
        self._by_tag: dict[str, list[TokenTest]] = {}

    def __call__(self, text: str, tag: str) -> bool:
        """True when some spec accepts the token."""
        if text in self.texts or any(search(text) is not None for search in self.searches):
            return True
        others = self._by_tag.get(tag)
        if others is None:
            others = self._by_tag[tag] = [test for tag_test, test in self.others if tag_test(tag)]
        return any(test(text, tag) for test in others)


def compile_uses(patterns: Sequence[dict]) -> tuple[_Accepts, _Accepts] | None:
    """Tests of (text, tag) by the tokens that can open a match and by the others (as `compile_prefilter`)."""
    specs = _token_specs(patterns)
    if specs is None:
        return None
    return _Accepts([spec for spec, opening in specs if opening]), _Accepts([spec for spec, opening in specs if not opening])


def _word_constraint(key: Any, value: Any) -> str | None:
    """The `TEXT`/`ORTH` constraint `value` as a key (JSON), when it is a dict of `IN`, `NOT_IN` and
    `REGEX` only, which `_value_test` reads as spaCy does; else None (it stays the Matcher's own)."""
    if not (isinstance(key, str) and key.upper() in ("TEXT", "ORTH")) or not isinstance(value, dict) or not value:
        return None
    if not all(_operator(op, arg) for op, arg in value.items()):
        return None
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def word_constraints(patterns: Sequence[dict]) -> list[str]:
    """The distinct word constraints (`_word_constraint` keys) of the token patterns, in order."""
    keys: dict[str, None] = {}
    for entry in patterns:
        if isinstance(entry["pattern"], list):
            for spec in entry["pattern"]:
                if isinstance(spec, dict):
                    for key, value in spec.items():
                        constraint = _word_constraint(key, value)
                        if constraint is not None:
                            keys.setdefault(constraint)
    return list(keys)


class WordFlags:
    """Word constraints of token patterns (`word_constraints`) as lexeme flag bits of a vocabulary.

    The bits are taken from those spaCy leaves to users and that no getter of `vocab.lex_attr_getters`
    holds; each gets a getter that sets nothing there, so that `Vocab.add_flag` does not take it
    too (a new word starts with every bit clear). One more bit says that a word's bits were read:
    `mark` reads them once per word, and a word that a memory zone made again is read again.
    """

    def __init__(self, vocab: Any, constraints: Sequence[str]) -> None:
        free = [bit for bit in _USER_FLAGS if bit not in vocab.lex_attr_getters]
        if len(free) <= len(constraints):
            raise LookupError(f"{len(constraints) + 1} lexeme flags needed, {len(free)} free")
        self.vocab = vocab
        self.bits = free[: len(constraints) + 1]
        for bit in self.bits:
            vocab.lex_attr_getters[bit] = _NO_VALUE
        self.read = 1 << self.bits[0]
        self.mask = sum(1 << bit for bit in self.bits)
        self.flag_of = {constraint: bit for constraint, bit in zip(constraints, self.bits[1:])}
        self._tests = [(1 << bit, _value_test(json.loads(constraint))) for constraint, bit in self.flag_of.items()]

    def pattern(self, pattern: list) -> list:
        """`pattern` with each word constraint written as a check of its flag (`{bit: True}`)."""
        written = []
        for spec in pattern:
            if isinstance(spec, dict):
                flagged: dict[Any, Any] = {}
                for key, value in spec.items():
                    constraint = _word_constraint(key, value)
                    if constraint is None:
                        flagged[key] = value
                    else:
                        flagged[self.flag_of[constraint]] = True  # spaCy reads an int key as the attribute id
                spec = flagged
            written.append(spec)
        return written

    def mark(self, orths: Iterable[int]) -> None:
        """Read the flags of the words `orths` that do not have them yet."""
        vocab, read, keep = self.vocab, self.read, ~self.mask
        for orth in orths:
            lexeme = vocab[orth]
            flags = lexeme.flags
            if flags & read:
                continue
            text = lexeme.orth_
            value = read
            for bit, test in self._tests:
                if test(text):
                    value |= bit
            lexeme.flags = (flags & keep) | value

    def release(self) -> None:
        """Clear the bits from every word of the vocabulary and give them back."""
        keep = ~self.mask
        for lexeme in self.vocab:
            if lexeme.flags & self.mask:
                lexeme.flags = lexeme.flags & keep
        for bit in self.bits:
            if self.vocab.lex_attr_getters.get(bit) is _NO_VALUE:
                del self.vocab.lex_attr_getters[bit]


def _NO_VALUE(_text: str) -> None:
    """The getter that holds a flag bit: a new word's bit stays clear (spaCy sets no None value)."""
    return None


#: The EntityRuler attributes made from its patterns when it first matches (not pickled).
_DERIVED = frozenset({"_flags", "_flag_matcher", "_needs", "_by_live", "_all", "_live_counts", "_texts"})

#: A pre-filter (None: the patterns are not read) and its cache of token uses by (orth, tag).
_Uses = tuple[tuple["_Accepts", "_Accepts"] | None, dict[tuple[int, int], int]]


class EntityRuler(SpanRuler):
    """SpanRuler whose token Matcher runs only from a token that can open a pattern to the next
    token no pattern accepts (see the module docstring); the same spans as SpanRuler."""

    _prefilter_ready = False
    #: the word constraints as lexeme flags, and the Matcher of the patterns written with them
    _flags: WordFlags | None = None
    _flag_matcher: Matcher | None = None
    #: `pattern_needs` of each pattern, and per set of live patterns its pre-filter and token uses
    _needs: list[Needs]
    _by_live: dict[tuple[int, ...], _Uses]
    #: the indices of the token patterns; per pattern, the texts it could match in, of `_texts` read
    _all: tuple[int, ...]
    _live_counts: list[int]
    _texts: int

    def add_patterns(self, patterns) -> None:  # noqa: ANN001 - SpanRuler's signature
        """SpanRuler.add_patterns; the pre-filter is read again (also when a pattern is refused
        part of the way: those before it were added)."""
        try:
            super().add_patterns(patterns)
        finally:
            self._prefilter_ready = False

    def __reduce__(self):  # noqa: ANN204 - pickle's protocol
        """spaCy's pickling of a pipe (its name and attributes), without the pre-filter, flags and
        caches: they hold closures, which `pickle` does not take, and are made again at the next match."""
        function, arguments, state = super().__reduce__()
        if isinstance(state, tuple) and state and isinstance(state[-1], dict):
            attributes = {name: value for name, value in state[-1].items() if name not in _DERIVED}
            attributes["_prefilter_ready"] = False
            state = (*state[:-1], attributes)
        return function, arguments, state

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
        patterns = self.patterns
        if not self._prefilter_ready:
            self._needs = [() if isinstance(p["pattern"], str) else pattern_needs(p["pattern"]) for p in patterns]
            self._all = tuple(i for i, p in enumerate(patterns) if not isinstance(p["pattern"], str))
            self._by_live = {}
            self._live_counts = [0] * len(patterns)
            self._texts = 0
            self._flag_patterns()
            self._prefilter_ready = True
        live = set(live_patterns(patterns, self._needs, doc_text(doc)))
        # only a pattern that can match in fewer than half the texts so far is left out where it
        # cannot: the pre-filters (and caches) of the sets of live patterns stay few
        self._texts += 1
        counts = self._live_counts
        for i in live:
            counts[i] += 1
        key = tuple(i for i in self._all if i in live or 2 * counts[i] >= self._texts)
        if not key:
            return []
        prefilter, uses = self._uses_of(key)
        if prefilter is None:
            return None
        opens, others = prefilter
        strings = doc.vocab.strings
        flags = self._flags_for(doc)
        # each token's orth and tag (and whether its word's flags were read), then its use: known,
        # or read once per (orth, tag)
        array = doc.to_array([ORTH, TAG] if flags is None else [ORTH, TAG, flags.bits[0]])
        orths, tags = array[:, 0].tolist(), array[:, 1].tolist()
        kinds = [uses.get(key) for key in zip(orths, tags)]
        if None in kinds:
            for k, use in enumerate(kinds):
                if use is None:
                    key = orth, tag = orths[k], tags[k]
                    use = uses.get(key)  # (read at an earlier token of this text)
                    if use is None:
                        text, tag_ = strings[orth], strings[tag] if tag else ""
                        if opens(text, tag_):
                            use = _OPENER
                        elif others(text, tag_):
                            use = _INNER
                        else:
                            use = _BARRIER
                        uses[key] = use
                    kinds[k] = use
        windows = []
        n, end = len(kinds), 0
        for i in [i for i, use in enumerate(kinds) if use == _OPENER]:
            if i < end:
                continue  # (inside the last window)
            end = i + 1
            while end < n and kinds[end] != _BARRIER:
                end += 1
            windows.append((i, end))
        if flags is not None:
            read = array[:, 2].tolist()
            flags.mark({orths[k] for start, stop in windows for k in range(start, stop) if not read[k]})
        return windows

    def _flags_for(self, doc: Doc) -> WordFlags | None:
        """The word flags, when `doc`'s words are those of the vocabulary that holds them (a Doc of
        another vocabulary is matched by the SpanRuler's Matcher, without flags)."""
        return self._flags if doc.vocab is self.nlp.vocab else None

    def _flag_patterns(self) -> None:
        """Give the word constraints of the patterns lexeme flags (those of the patterns before are
        given back) and build the Matcher of the patterns written with them; none when the
        vocabulary has too few flags left (the SpanRuler's Matcher then runs over the windows)."""
        if self._flags is not None:
            self._flags.release()
        self._flags = self._flag_matcher = None
        token_patterns = [p for p in self.patterns if isinstance(p["pattern"], list)]
        constraints = word_constraints(token_patterns)
        if not constraints:
            return
        try:
            flags = WordFlags(self.nlp.vocab, constraints)
        except LookupError:
            return
        matcher = Matcher(self.nlp.vocab, validate=False, fuzzy_compare=self.matcher_fuzzy_compare)
        for entry in token_patterns:
            matcher.add(repr((entry["label"], entry.get("id", ""))), [flags.pattern(entry["pattern"])])
        self._flags, self._flag_matcher = flags, matcher

    def _uses_of(self, live: tuple[int, ...]) -> _Uses:
        """The pre-filter of the patterns `live` and its cache of token uses."""
        known = self._by_live.get(live)
        if known is None:
            if len(self._by_live) > _LIVE_LIMIT:
                self._by_live.clear()
            known = self._by_live[live] = (compile_uses([self.patterns[i] for i in live]), {})
        if len(known[1]) > _CACHE_LIMIT:
            known[1].clear()
        return known

    def match(self, doc: Doc) -> list[Span]:
        """SpanRuler.match, the token Matcher run over the windows of `_windows`."""
        self._require_patterns()
        windows = self._windows(doc)
        if windows is None:
            return super().match(doc)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="\\[W036")
            matches = list(self.phrase_matcher(doc))
            matcher = self.matcher if self._flags_for(doc) is None else self._flag_matcher
            for start, end in windows:
                matches.extend((m_id, start + s, start + e) for m_id, s, e in matcher(doc[start:end]))
        deduplicated = {
            Span(doc, start, end, label=self._match_label_id_map[m_id]["label"], span_id=self._match_label_id_map[m_id]["id"])
            for m_id, start, end in matches
            if start != end
        }
        return sorted(deduplicated)
