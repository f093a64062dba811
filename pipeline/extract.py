"""The claims component (`Doc -> Doc`): quantities of the text with their context, as claims.

Writes `doc._.claims` (a list of `Claim`) and `doc.spans["claims"]` (one span per claim, label
= kind, id = the rule that found the unit), so displaCy can show them beside `doc.ents`. The
claims are kept in `doc.user_data["zhclaims.claims"]` as plain data (`doc._.claims` reads them),
so a processed Doc serialises (`doc.to_bytes()`, `DocBin(store_user_data=True)`).

It needs the words and tags of the zhclaims tokenizer (`zhclaims.jieba_tokenizer.v2`), which also
finds the quantities; spaCy's own zh tokenizer gives characters, on which no phrase can be read,
so the factory refuses it.
"""

from __future__ import annotations

from bisect import bisect_right

from typing import Any

import regex
from spacy.language import Language
from spacy.tokens import Doc

from .claim import Claim
from .context import ContextRules, PhraseCues, clause_start, list_items, np_after, np_before, parallel_lists, doc_text, sentence_spans, tokens_between
from .quantities import Quantity, QuantityMatcher
from .rules import RuleSet, load_rules

#: doc.user_data key of the claims, as plain data (see Claim.to_data).
CLAIMS_KEY = "zhclaims.claims"
#: doc.user_data keys of per-doc caches of the phrase readers, dropped when the component is done.
_CACHE_KEYS = ("zhclaims.token_starts", "zhclaims.text")


def _claims_of(doc: Doc) -> list[Claim] | None:
    data = doc.user_data.get(CLAIMS_KEY)
    return None if data is None else [Claim.from_data(item) for item in data]


Doc.set_extension("claims", getter=_claims_of, force=True)

#: Punctuation right after a quantity: the counted thing is before it (an opening quote is not).
_PUNCT_AFTER = regex.compile(r"^(?:(?![“‘(（「『《])[\p{P}\s]|$)")
#: Ends of the stretch a noun phrase may span (a clause), and of a 分别 list (commas do not end it).
_PHRASE_ENDS = regex.compile(r"[,，;；:：。]")
_LIST_ENDS = regex.compile(r"[;；。]")
_NAME_TAGS = ("nr", "nw")  # nw: a new word found by the lookup tagger, mostly a name


@Language.factory(
    "zhclaims_claims",
    requires=["doc.ents"],  # and the tokenizer's tags and sentences
    assigns=["doc._.claims", "doc.spans"],
    default_config={},
)
def make_claims(nlp: Language, name: str) -> ClaimExtractor:
    """Factory of the claims component; rules are given at initialize (default: the tokenizer's)."""
    from .nlp import JiebaTokenizer

    tokenizer = nlp.tokenizer
    if not isinstance(tokenizer, JiebaTokenizer):
        raise ValueError(
            f"zhclaims_claims needs the zhclaims tokenizer (words and part-of-speech tags), not "
            f"{type(tokenizer).__module__}.{type(tokenizer).__name__}: spaCy's zh tokenizer gives characters, on "
            "which no entity or place can be read. Use zhclaims.load(), or spacy.blank('zh', config={'nlp': "
            "{'tokenizer': {'@tokenizers': 'zhclaims.jieba_tokenizer.v2'}}}) and add zhclaims_entities "
            "(patterns: zhclaims.entity_patterns.v1) before it for `where`."
        )
    return ClaimExtractor(name, tokenizer)


class ClaimExtractor:
    """Find the claims of a Doc whose text is a clean article."""

    def __init__(self, name: str, tokenizer=None) -> None:
        self.name = name
        self.tokenizer = tokenizer
        self.rules: RuleSet | None = None
        self.matcher: QuantityMatcher | None = None
        self.context: ContextRules | None = None

    def initialize(
        self, get_examples=None, *, nlp: Language | None = None, rules: Any = None, dirs: list[str] | None = None, builtin: bool = True
    ) -> None:
        """Compile the context rules of a rule set: `rules` (a RuleSet), else the built-in rules (unless
        `builtin` is false) and `dirs` when given, else the tokenizer's rules."""
        if rules is None and (dirs or not builtin):
            from .nlp import cached_rules

            rules = cached_rules(tuple(str(d) for d in dirs or ()), builtin)
        if rules is None:
            rules = getattr(self.tokenizer, "rules", None) or load_rules()
        self.rules = rules
        # the tokenizer finds the quantities with the same rules; its grammar is shared, not compiled again
        same = self.tokenizer is not None and getattr(self.tokenizer, "rules", None) is rules
        self.matcher = self.tokenizer.matcher if same else None
        self.context = ContextRules(rules)

    def __call__(self, doc: Doc) -> Doc:
        from .nlp import get_quantities

        if self.context is None or self.rules is None:
            self.initialize()
        assert self.context is not None and self.rules is not None
        text = doc_text(doc)  # joined once; the phrase readers reuse it
        quantities = get_quantities(doc)
        if quantities is None:  # a tokenizer that did not look for them
            if self.matcher is None:
                self.matcher = QuantityMatcher(self.rules)
            quantities = self.matcher.find(text)
        claims: list[Claim] = []
        spans = []
        by_sentence: dict[int, list[Quantity]] = {}
        sentences = sentence_spans(doc)
        for q in quantities:
            index = _sentence_index(sentences, q.start)
            by_sentence.setdefault(index, []).append(q)
        for index, group in by_sentence.items():
            sent_start, sent_end = sentences[index] if sentences else (0, len(text))
            claims.extend(self._sentence_claims(doc, text, sent_start, sent_end, group))
        for claim in claims:
            span = doc.char_span(claim.start, claim.end, label=claim.kind, alignment_mode="expand")
            if span is not None:
                span.id_ = claim.rule
                spans.append(span)
        doc.spans["claims"] = spans
        doc.user_data[CLAIMS_KEY] = [claim.to_data() for claim in claims]
        for key in _CACHE_KEYS:
            doc.user_data.pop(key, None)
        return doc

    # -- one sentence -------------------------------------------------------------------------
    def _sentence_claims(self, doc: Doc, text: str, sent_start: int, sent_end: int, group: list[Quantity]) -> list[Claim]:
        assert self.context is not None
        ctx = self.context
        sentence = text[sent_start:sent_end]
        local = [(q.start - sent_start, q.end - sent_start) for q in group]
        ents = [e for e in doc.ents if sent_start <= e.start_char and e.end_char <= sent_end]
        openers = ctx.openers(ents, sent_start, sentence)
        times = ctx.time_spans(sentence)
        blocked = tuple((sent_start + s, sent_start + e) for s, e, _, _ in times)
        cues = ctx.phrase_cues(blocked, tuple((e.start_char, e.end_char) for e in ents))
        roles: list[str | None] = []
        entities: list[str | None] = []
        out: list[Claim] = []
        for i, q in enumerate(group):
            qs, qe = local[i]
            rules = list(q.rules)
            # role
            role, role_rule, cue_start = ctx.role_of(sentence, qs, qe, roles, q.high is not None)
            if role is None and i > 0 and roles[-1] is not None and _joined_by_list(sentence, local[i - 1][1], qs, ctx):
                role = roles[-1]
            if role_rule:
                rules.append(role_rule)
            # time
            time, time_rule = ctx.time_of(sentence, times, qs, local)
            if time_rule:
                rules.append(time_rule)
            # where
            where = ctx.where_of(ents, sent_start, qs, sentence, openers)
            # entity
            entity = self._entity(doc, sentence, sent_start, group, local, i, role, cue_start, entities, cues, times)
            roles.append(role)
            entities.append(entity)
            out.append(
                Claim(
                    quantity=q.text,
                    context=make_context(text, q.start, q.end),
                    start=q.start,
                    end=q.end,
                    value=q.value,
                    high=q.high,
                    unit=q.unit,
                    kind=q.kind,
                    qualifier=q.qualifier,
                    entity=entity,
                    role=role,
                    where=where,
                    time=time,
                    sentence=sentence.strip(),
                    rule="+".join(dict.fromkeys(rules)),
                )
            )
        return out

    def _entity(self, doc, sentence, sent_start, group, local, i, role, cue_start, previous, cues, times) -> str | None:
        assert self.context is not None
        ctx = self.context
        qs, qe = local[i]
        q = group[i]
        after_text = sentence[qe:]
        # parallel lists: 薪俸税、物业税收入分别为608亿元、34亿元
        listed = self._respectively(doc, sentence, sent_start, local, i, cues)
        if listed:
            return listed
        if q.kind == "age" and after_text.startswith("的"):
            return _age_holder(doc, sent_start + qe + 1, sent_start + len(sentence))
        next_is_quantity = i + 1 < len(local) and local[i + 1][0] == qe
        if next_is_quantity:
            # 1940户8132名搬迁群众: the counted thing follows the last quantity of the chain
            j = i
            while j + 1 < len(local) and local[j + 1][0] == local[j][1]:
                j += 1
            phrase = np_after(doc, sent_start + local[j][1], sent_start + len(sentence), cues=cues)
            if phrase:
                return phrase
        if not _PUNCT_AFTER.match(after_text) and not after_text.startswith(("以上", "左右")):
            phrase = np_after(doc, sent_start + qe, sent_start + len(sentence), cues=cues)
            if phrase and not after_text.startswith("的"):
                return phrase
            if after_text.startswith("的") and q.kind in ("percent",):
                phrase = np_after(doc, sent_start + qe + 1, sent_start + len(sentence), cues=cues)
                if phrase:
                    return phrase
        # a share: 教育支出占财政支出的18%
        share = self._share_subject(doc, sentence, sent_start, qs, cues)
        if share:
            return share
        # noun phrase before the quantity (or before its change cue)
        end = cue_start if role is not None and cue_start < qs else qs
        clause_floor = sent_start + clause_start(sentence, end, _PHRASE_ENDS)
        head = ctx.strip_time_before(ctx.strip_before(sentence[:end]), times)
        if any(e == len(head) for _, e in local[:i]) and previous and previous[-1]:
            return previous[-1]  # 1699支27.81万人: the second count measures the same thing
        phrase = np_before(doc, sent_start + len(head), clause_floor, cues=cues)
        if phrase:
            ends = {sent_start + e for _, e in local}
            return _with_list_before(doc, sent_start + len(head), phrase, clause_floor, ends, ctx, cues)
        if previous and previous[-1]:
            return previous[-1]
        return None

    def _share_subject(self, doc: Doc, sentence: str, sent_start: int, qs: int, cues: PhraseCues) -> str | None:
        """The subject A of a share in the quantity's clause (A占B的X%), or None."""
        assert self.context is not None
        clause_from = clause_start(sentence, qs, _PHRASE_ENDS)
        window = sentence[clause_from:qs]
        for cue in self.context.shares:
            at = window.rfind(cue)
            if at < 0:
                continue
            start = sent_start + clause_from + at
            tokens = tokens_between(doc, start, start + len(cue))
            if len(tokens) != 1 or tokens[0].text != cue:
                continue  # part of another word (占地)
            head = self.context.strip_before(sentence[: clause_from + at])
            return np_before(doc, sent_start + len(head), sent_start + clause_from, cues=cues) or None
        return None

    def _respectively(self, doc, sentence, sent_start, local, i, cues) -> str | None:
        assert self.context is not None
        ctx = self.context
        qs = local[i][0]
        clause_from = clause_start(sentence, qs, _LIST_ENDS)
        window = sentence[clause_from:qs]
        for cue in ctx.respectively:
            at = window.rfind(cue)
            if at < 0:
                continue
            cue_pos = clause_from + at
            members = [k for k, (s, e) in enumerate(local) if cue_pos < s]
            chain = []
            for k in members:
                if not chain or _joined_by_list(sentence, local[chain[-1]][1], local[k][0], ctx):
                    chain.append(k)
                else:
                    break
            if i not in chain:
                return None
            head = ctx.strip_before(sentence[:cue_pos])
            phrase = np_before_list(doc, sent_start + len(head), sent_start + clause_start(sentence, cue_pos, _PHRASE_ENDS), ctx)
            items = list_items(phrase, ctx.list_separators) if phrase else []
            if len(items) != len(chain) and len(chain) > 1:
                # 包括薪俸税、物业税…，收入分别为…: the list is earlier in the sentence
                earlier = parallel_lists(doc, sent_start, sent_start + cue_pos, frozenset(ctx.list_separators), cues)
                items = next((found for found in reversed(earlier) if len(found) == len(chain)), items)
            if len(items) == len(chain):
                return items[chain.index(i)]
            return phrase or None
        return None


def _with_list_before(
    doc: Doc, end: int, phrase: str, floor: int, quantity_ends: set[int], ctx: ContextRules, cues: PhraseCues
) -> str:
    """The phrase with the items of a list it closes (网格长、网格员|622人): items joined by a list
    separator, each a noun phrase; a list of quantities (商铺24个、门面8间) is not one."""
    text = doc_text(doc)
    start = end - len(phrase)
    if text[start:end] != phrase:
        return phrase
    while True:
        separator = next((s for s in ctx.list_separators if text.endswith(s, floor, start)), None)
        before = start - len(separator) if separator else start
        if not separator or before in quantity_ends or not _is_list_separator(doc, before, separator):
            return text[start:end]
        item = np_before(doc, before, floor, cues=cues)
        if not item or text[before - len(item) : before] != item:
            return text[start:end]
        start = before - len(item)


def _is_list_separator(doc: Doc, at: int, separator: str) -> bool:
    """True when the separator at `at` is a token of its own tagged as a conjunction or mark."""
    token = next((t for t in tokens_between(doc, at, at + 1) if t.idx == at), None)
    return token is not None and token.text == separator and token.tag_ in ("c", "x")


def np_before_list(doc: Doc, end: int, floor: int, ctx: ContextRules) -> str:
    """The noun phrase before 分别, keeping list separators (单位党组织、党员)."""
    text = doc_text(doc)[floor:end]
    # take the maximal run without clause punctuation other than list separators
    cut = max(text.rfind(p) for p in ("，", ",", "；", ";", "：", ":", "。"))
    phrase = text[cut + 1 :] if cut >= 0 else text
    phrase = phrase[phrase.rfind("的") + 1 :]  # 到社区报到服务的|单位党组织、党员
    phrase = regex.sub(r"^(?:[\p{Han}]{0,4}?(?:把|将|对|在|使|让))", "", phrase)
    return phrase.strip()


def _age_holder(doc: Doc, start: int, limit: int) -> str | None:
    """The person an age is attached to: a name after 的 if there is one, else the noun."""
    tokens = [t for t in tokens_between(doc, start, limit) if start <= t.idx]
    phrase_tokens = []
    for token in tokens:
        if regex.match(r"^[\p{P}\s]+$", token.text) or token.tag_.startswith(("v", "p", "d", "t", "m")) and phrase_tokens:
            break
        phrase_tokens.append(token)
        if len(phrase_tokens) >= 4:
            break
    names = [t for t in phrase_tokens if t.tag_.startswith(_NAME_TAGS)]
    if names:
        first = phrase_tokens.index(names[0])
        run = [names[0]]
        for token in phrase_tokens[first + 1 :]:
            if token.tag_.startswith(("nr", "n")) and len("".join(t.text for t in run)) < 3:
                run.append(token)
            else:
                break
        return "".join(t.text for t in run)
    phrase = np_after(doc, start, limit)
    return phrase or None


def _joined_by_list(sentence: str, prev_end: int, start: int, ctx: ContextRules) -> bool:
    between = sentence[prev_end:start]
    return between in ctx.list_separators or between in ("、", "和", "及", "与")


def _sentence_index(sentences: list[tuple[int, int]], pos: int) -> int:
    """Index of the sentence that holds character `pos` (the last one starting at or before it)."""
    return max(0, bisect_right(sentences, (pos, float("inf"))) - 1)


def make_context(text: str, start: int, end: int, *, minimum: int = 8, maximum: int = 40) -> str:
    """A piece of `text`, 8–40 characters, containing text[start:end] and occurring once in it.

    >>> make_context("共73个安置点,共73个社区", 1, 4)
    '共73个安置点,'
    """
    lo, hi = start, end
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    best = text[lo:hi]
    grow_right = True
    while True:
        piece = text[lo:hi]
        if len(piece) >= minimum and text.count(piece) == 1:
            return piece
        if hi - lo >= maximum:
            return best if text.count(best) == 1 else piece
        if grow_right and hi < line_end:
            hi += 1
        elif lo > line_start:
            lo -= 1
        elif hi < line_end:
            hi += 1
        else:
            return piece
        grow_right = not grow_right
        best = text[lo:hi]
