"""A quantity's context: what is counted (entity), where, when, and its role in a change.

Pure functions over a tokenised, entity-tagged sentence; the cue words and patterns come from
`rules/context.toml` and `rules/entities.toml`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import regex
from spacy.tokens import Doc, Span, Token

from pipeline.rules import RulePattern, RuleSet

#: jieba tags that can be part of a noun phrase (n*, verbal/adjectival nouns, idioms, abbreviations).
_NOUNISH = ("n", "vn", "an", "j", "l", "b", "nz", "nt", "ns", "nr", "ng", "q", "s", "eng", "i")
_STOP_TAGS = ("x", "p", "d", "c", "r", "u", "f", "y", "e", "o", "w", "zg", "ul", "uj", "uz", "ug", "uv", "ud", "t")
_BRACKETS = set("“”‘’「」『』()（）《》")
_PUNCT = regex.compile(r"^[\p{P}\p{S}\s]+$")
_HAS_DIGIT = regex.compile(r"[0-9０-９]")
_CLAUSE_END = regex.compile(r"[,，;；:：]")


class ContextRules:
    """Compiled context rules of one rule set."""

    def __init__(self, rules: RuleSet) -> None:
        self.times = [(r, RulePattern(r)) for r in rules.section("time")]
        self.roles = [(r, RulePattern(r)) for r in rules.section("role")]
        cues: dict[str, list[str]] = {}
        for rule in rules.section("entity_cue"):
            cues.setdefault(rule.get("use"), []).extend(rule.get("surface"))
        self.skip_before = sorted(set(cues.get("skip_before", [])), key=len, reverse=True)
        self.respectively = tuple(cues.get("respectively", []))
        self.list_separators = sorted(set(cues.get("list", [])), key=len, reverse=True)
        self.comparisons = sorted(set(cues.get("comparison", [])), key=len, reverse=True)

    # -- time -----------------------------------------------------------------------------------
    def time_spans(self, sentence: str) -> list[tuple[int, int, str, str]]:
        """Time expressions of a sentence: (start, end, text, rule id), longest first at a place."""
        found: list[tuple[int, int, str, str]] = []
        for rule, pattern in self.times:
            for match in pattern.finditer(sentence):
                if match.end() > match.start():
                    found.append((match.start(), match.end(), match.group(), rule.id))
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        merged: list[tuple[int, int, str, str]] = []
        for item in found:
            if merged and item[0] < merged[-1][1]:
                continue
            merged.append(item)
        return merged

    @staticmethod
    def time_of(
        sentence: str, times: list[tuple[int, int, str, str]], q_start: int, quantities: list[tuple[int, int]]
    ) -> tuple[str | None, str | None]:
        """The time expression (of the sentence's `time_spans`) that scopes the quantity at q_start."""
        best: tuple[str, str] | None = None
        for start, end, text, rule_id in times:
            if start >= q_start:
                break
            if _overlaps_any(start, end, quantities):
                continue
            if sentence.startswith("的", end):
                # "年初的21.7%": scopes the quantity right after it only
                target = next((s for s, e in quantities if s >= end + 1), None)
                if target == q_start and sentence[end + 1 : target].strip() == "":
                    best = (text, rule_id)
                continue
            best = (text, rule_id)
        return best if best else (None, None)

    # -- role -----------------------------------------------------------------------------------
    def role_of(self, sentence: str, q_start: int, q_end: int, previous_roles: list[str | None], is_range: bool) -> tuple[str | None, str | None, int]:
        """The role of the quantity in a change; returns (role, rule id, cue start in sentence)."""
        if is_range:
            return None, None, q_start
        clause_from = clause_start(sentence, q_start)
        before = sentence[clause_from:q_start]
        before_sentence = sentence[:q_start]
        after = sentence[q_end:]
        for rule, pattern in self.roles:
            needed = rule.get("after_role")
            if needed and needed not in previous_roles:
                continue
            if rule.get("position") == "after":
                match = pattern.search(after)
                if match is not None:
                    return rule.get("role"), rule.id, q_start
                continue
            text = before_sentence if needed else before
            match = pattern.search(text)
            if match is not None:
                offset = len(before_sentence) - len(text)
                return rule.get("role"), rule.id, offset + match.start()
        return None, None, q_start

    # -- where ----------------------------------------------------------------------------------
    @staticmethod
    def where_of(ents: list[Span], sent_start: int, q_start: int, sentence: str) -> str | None:
        """The place or organisation that scopes the quantity: the nearest entity before it in the
        same clause, else the nearest one before it that opens a clause of the sentence."""
        before = [e for e in ents if e.end_char <= sent_start + q_start]
        if not before:
            return None
        clause_from = sent_start + clause_start(sentence, q_start)
        same_clause = [e for e in before if e.start_char >= clause_from]
        if same_clause:
            return same_clause[-1].text
        openers = []
        for ent in before:
            local = ent.start_char - sent_start
            head = sentence[:local]
            prefix = regex.sub(r"^(?:在|对|于|据|截至|经)", "", head[clause_start(sentence, local) :])
            if prefix == "":
                openers.append(ent)
        return openers[-1].text if openers else None

    # -- entity ---------------------------------------------------------------------------------
    def strip_before(self, text: str) -> str:
        """Remove trailing copulas and comparison words (达到, 分别为, 同比 …) from a text."""
        changed = True
        while changed and text:
            changed = False
            for word in (*self.skip_before, *self.comparisons):
                if word and text.endswith(word):
                    text = text[: -len(word)]
                    changed = True
                    break
        return text


def _overlaps_any(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def clause_start(sentence: str, pos: int, ends: regex.Pattern[str] = _CLAUSE_END) -> int:
    """Where the clause holding `pos` starts: just after the last of `ends` before `pos`.

    >>> clause_start("甲,乙;丙", 4)
    4
    """
    last = 0
    for match in ends.finditer(sentence, 0, pos):
        last = match.end()
    return last


def _is_stop(token: Token, collected: bool) -> bool:
    text = token.text
    if text in _BRACKETS:
        return False
    if _PUNCT.match(text) or _HAS_DIGIT.search(text):
        return True
    tag = token.tag_
    if tag.startswith("v") and tag != "vn":
        return collected
    if tag == "m":
        return collected and not text.endswith("点")
    return tag.startswith(_STOP_TAGS) and not tag.startswith(_NOUNISH)


def tokens_between(doc: Doc, start: int, end: int) -> list[Token]:
    """The tokens that overlap characters `start`..`end` of the doc, found by bisection (no walk of the doc)."""
    starts = doc.user_data.get(_STARTS_KEY)
    if starts is None:
        starts = doc.to_array("IDX").tolist() if len(doc) else []
        doc.user_data[_STARTS_KEY] = starts
    first = max(0, bisect_right(starts, max(0, start)) - 1)
    last = bisect_left(starts, end)
    return [doc[i] for i in range(first, last)]


#: doc.user_data key of the tokens' character offsets (computed once per doc by tokens_between).
_STARTS_KEY = "zhclaims.token_starts"


def np_after(doc: Doc, start: int, limit: int, max_chars: int = 14) -> str:
    """The noun phrase that starts at character `start` (73个|安置点): up to a stop, after 的."""
    out = ""
    verb_first = False
    for token in tokens_between(doc, start, limit):
        t_end = token.idx + len(token.text)
        if t_end <= start or token.idx >= limit:
            continue
        text = token.text[max(0, start - token.idx) :]
        if token.text == "的":
            out = ""
            continue
        if _is_stop(token, bool(out)) and not (not out and token.tag_.startswith("v")):
            break
        if not out and token.tag_.startswith("v") and token.tag_ != "vn":
            verb_first = True
        out += text
        if len(out) >= max_chars:
            break
    if verb_first and len(out) <= 2:
        return ""  # a bare verb (提高, 实施) is the predicate, not what is counted
    return _balance(out)


def np_before(doc: Doc, end: int, floor: int, max_chars: int = 16) -> str:
    """The noun phrase that ends at character `end` (建立|党组织|166个), read backwards."""
    pieces: list[str] = []
    for token in reversed(tokens_between(doc, floor, end)):
        if token.idx >= end:
            continue
        if token.idx < floor:
            break
        text = token.text[: max(0, end - token.idx)]
        if token.text == "的" or _is_stop(token, bool(pieces)) and not (not pieces and token.tag_.startswith("v")):
            break
        pieces.append(text)
        if sum(map(len, pieces)) >= max_chars:
            break
    return _balance("".join(reversed(pieces)))


def _balance(text: str) -> str:
    """Drop unbalanced brackets at the edges of a phrase.

    >>> _balance("”党组织"), _balance("网格(小区)党支部")
    ('党组织', '网格(小区)党支部')
    """
    pairs = {"“": "”", "‘": "’", "(": ")", "（": "）", "「": "」", "《": "》"}
    closers = {v: k for k, v in pairs.items()}
    changed = True
    while changed and text:
        changed = False
        if text[0] in closers or (text[0] in pairs and pairs[text[0]] not in text):
            text, changed = text[1:], True
        elif text and (text[-1] in pairs or (text[-1] in closers and closers[text[-1]] not in text)):
            text, changed = text[:-1], True
    return text


def list_items(text: str, separators: list[str]) -> list[str]:
    """Split a parallel list (薪俸税、物业税) on the separators.

    >>> list_items("单位党组织、党员", ["、", "和"])
    ['单位党组织', '党员']
    """
    if not separators:
        return [text]
    pattern = "|".join(regex.escape(s) for s in separators)
    return [p for p in regex.split(pattern, text) if p]

