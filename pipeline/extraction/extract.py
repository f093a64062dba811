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
from dataclasses import dataclass, field

from typing import Any, Sequence

import regex

from .libraries import import_spacy

import_spacy()  # spaCy without its command line, before any module of it (see libraries)
from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc, Span, Token  # noqa: E402

from ..claim import Claim
from .codes import PlaceCodes, assign_where_codes, place_codes
from .context import _OPENERS, _STARTS_KEY, ContextRules, PhraseCues, clause_end, clause_start, list_items, longest_first, np_after, np_before, parallel_lists, doc_text, sentence_spans, tokens_between
from .nlp import TEXT_KEY
from .quantities import Quantity, QuantityMatcher
from ..rules import RuleSet, load_rules
from .tables import TableCell, cell_at, table_cells
from .candidates import RUNS_KEY, EntityModel, EntitySite, entity_candidates, find_model, load_model

#: doc.user_data key of the claims, as plain data (see Claim.to_data).
CLAIMS_KEY = "zhclaims.claims"
#: doc.user_data key of every claim's entity candidates (text, branches, cascade, features), in the
#: order of the claims, kept when the component's `collect_candidates` is set (training reads them).
CANDIDATES_KEY = "zhclaims.entity_candidates"
#: doc.user_data keys of per-doc caches of the phrase readers, dropped when the component is done.
_HOUSEHOLDS_KEY = "zhclaims.households"
_CACHE_KEYS = (_STARTS_KEY, TEXT_KEY, RUNS_KEY, _HOUSEHOLDS_KEY)


def _claims_of(doc: Doc) -> list[Claim] | None:
    data = doc.user_data.get(CLAIMS_KEY)
    return None if data is None else [Claim.from_data(item) for item in data]


Doc.set_extension("claims", getter=_claims_of, force=True)

#: The branches of the entity cascade, by the id each appends to a claim's `rule` (shown by `explain`).
ENTITY_BRANCHES: dict[str, str] = {
    "entity.table_row": "a table cell: the header cell of its row",
    "entity.table_column": "a table cell: the header cell of its column (the row's header is a time, or there is none)",
    "entity.respectively": "the item of a parallel list matching the quantity's place after 分别",
    "entity.age_holder": "an age: the person or noun after 的",
    "entity.age_pronoun": "an age with a personal pronoun right after its 的 (45岁的|他) or right before it past time words (她|今年|30岁): the pronoun",
    "entity.age_subject": "an age after an age word (享年, 年仅): the subject of its sentence",
    "entity.household": "a count of a household's members (6口) with no noun after it: the household named before it (林某一家|6口), else the nearest one the article names (林某一家, 陈家)",
    "entity.group_pronoun": "a count of persons right after a plural pronoun (我们|4人): the pronoun names the group counted",
    "entity.speaker": "a person speaking in the first person (王某说，「我…2千元」) of a quantity whose clauses back to the reporting verb name no noun: the speaker",
    "entity.total_holder": "a total (共) of amounts of money listed before it, no noun of its own: the subject of the clause of the first amount, who holds them all",
    "entity.list_after": "a quantity opening or continuing a list of quantities of one unit (128GB及256GB|容量): the noun after the list, or for ages the holder of the list (…1岁的|子女, …共5名|子女)",
    "entity.chain_after": "a chain of quantities (1940户8132名): the noun phrase after the last one",
    "entity.np_after": "the noun phrase right after the quantity",
    "entity.verbal_noun": "a count's classifier then one verb closing the clause (40宗|确诊): the verb names what is counted",
    "entity.np_after_de": "a quantity followed by 的 (3米的海浪): the noun phrase after 的, unless a noun phrase ends right before the quantity (a percent always)",
    "entity.share": "a share (A占B的X%): the subject A; with 占B的 opening the clause, the earlier clause's subject or quantity's entity",
    "entity.share_source": "a share followed by where it comes from (5%|来自|甲校及乙校, 70%|由|中央财政|承担): the noun phrases after the source word",
    "entity.same_as_previous": "a quantity right after another: what the previous one measures",
    "entity.np_before": "the noun phrase before the quantity (or its change cue) in its clause",
    "entity.list_before": "the noun phrase before the quantity with the list items it closes",
    "entity.clause_quantity": "no noun phrase of its own in the clause: what the last quantity of the nearest clause with one measures",
    "entity.topic_clause": "no noun phrase of its own in the clause: the head of a clause before that is only a noun phrase (…的|利得税)",
    "entity.unit_noun": "a counter that is a noun (班次), in a clause naming nothing before it or only a place: the counter names what is counted",
    "entity.subject_counter": "no noun phrase of its own in the clause and a person counter (人) followed by its predicate (12人被捕) or by 的 and what the persons own (3人的|手机): the counter",
    "entity.counter_word": "a counter the tokenizer joined to what follows: the noun it begins (12万|人口, 8万|名额), or the person counter alone after it (9|个人, 二十多个|人|很认真)",
    "entity.list_closer": "a person counter (人) right after a list closer (陈某、李某等|5人) with no noun after it: the items of the list it closes",
    "entity.copula_predicate": "a person counter (人) then a copula (12人|是|伤者, 人为|阳性): the noun phrase after the copula, past a short modifier ending in 的",
    "entity.subject": "no noun phrase of its own in the clause: the subject opening the nearest clause (without quantities) that has one",
    "entity.previous": "no noun phrase of its own: the entity of the previous quantity of the sentence",
    "entity.ranking": "the figure a ranking is by (以202亿元|排名第7位), no phrase of its own before it: what the article's last quantity of the same kind measures",
    "entity.same_count": "a person count read as its counter (二人涉嫌…): what an earlier count of as many in the same or the previous sentence counts (两名男子)",
    "entity.previous_sentence": "nothing named in the sentence before its first quantity: what the last quantity of the same kind in the sentence right before (same paragraph) measures",
    "entity.part_of_whole": "a person count (12人危殆) after a part-of-whole word (当中, 其中, 余下) following an earlier count of the sentence that names a noun (500名病人): that noun",
    "entity.share_whole": "a share A占B X% whose A is counted by an earlier quantity (800间|公司占|利得税收入的|58%): the whole B",
    "entity.relative_head": "a count then a relative clause with a verb up to 的 (8名|当日在场、未有受伤的|市民): the noun phrase after 的",
}
_NAME_TAGS = ("nr", "nw")
#: How far after an age the 的 of a short clause about its holder may come (77岁|中风瘫痪的|阿嬷).
_RELATIVE_REACH = 6
_RELATIVE_HEAD_REACH = 16  # characters from a count to the 的 closing a relative clause on what it counts
#: kinds of a quantity that a count before it in its clause does not name (连跨4个台阶、突破7万亿元)
_MEASURE_KINDS = frozenset({"money"})
_PUNCT_CHAR = regex.compile(r"[\p{P}\p{S}]")  # nw: a new word found by the lookup tagger, mostly a name


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
        self.cues = EntityCues()
        self.has_number = regex.compile(r"\p{Nd}")
        self.place_codes: PlaceCodes | None = None
        #: the learned choice among the entity candidates (None: the cascade decides alone)
        self.entity_model: EntityModel | None = None
        #: keep every claim's candidates in doc.user_data[CANDIDATES_KEY] (for training)
        self.collect_candidates = False
        self._previous_sentence: str | None = None

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
        self.cues = EntityCues.from_rules(rules)
        model_path = find_model(list(rules.dirs), getattr(rules, "entity_model", "auto"))
        self.entity_model = load_model(model_path) if model_path is not None else None
        # a digit or a numeral character of the number rules: a heading line holds none
        system = self.matcher.system
        self.has_number = regex.compile(r"[\p{Nd}" + regex.escape(system.cn_chars + "".join(system.big)) + "]")
        # the code table of these rules, read once (place_codes looks at its files on every call)
        self.place_codes = place_codes(rules)

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
        if self.collect_candidates:
            doc.user_data[CANDIDATES_KEY] = []
        sentences = sentence_spans(doc)
        for q in quantities:
            index = _sentence_index(sentences, q.start)
            by_sentence.setdefault(index, []).append(q)
        tables = table_cells(text, [(q.start, q.end) for q in quantities])
        doc_ents = list(doc.ents) if by_sentence else []  # spaCy makes a Span per entity on each access of doc.ents
        for index, group in by_sentence.items():
            sent_start, sent_end = sentences[index] if sentences else (0, len(text))
            self._previous_sentence = claims[-1].entity if claims else None  # a candidate of the learned choice
            claims.extend(self._sentence_claims(doc, text, sent_start, sent_end, group, tables, claims, doc_ents))
        for claim in claims:
            span = doc.char_span(claim.start, claim.end, label=claim.kind, alignment_mode="expand")
            if span is not None:
                span.id_ = claim.rule
                spans.append(span)
        doc.spans["claims"] = spans
        assign_where_codes(claims, self.place_codes)
        doc.user_data[CLAIMS_KEY] = [claim.to_data() for claim in claims]
        for key in _CACHE_KEYS:
            doc.user_data.pop(key, None)
        return doc

    # -- one sentence -------------------------------------------------------------------------
    def _sentence_claims(
        self, doc: Doc, text: str, sent_start: int, sent_end: int, group: list[Quantity], tables: list[TableCell] = (), earlier: list[Claim] = (),
        doc_ents: Sequence[Span] | None = None,
    ) -> list[Claim]:
        """The claims of one sentence (a table row's cells take their entity from the table); `doc_ents` is
        `doc.ents` when the caller has it already."""
        assert self.context is not None
        ctx = self.context
        sentence = text[sent_start:sent_end]
        local = [(q.start - sent_start, q.end - sent_start) for q in group]
        ents = [e for e in (doc.ents if doc_ents is None else doc_ents) if sent_start <= e.start_char and e.end_char <= sent_end]
        openers = ctx.openers(ents, sent_start, sentence)
        times = ctx.time_spans(sentence)
        blocked = tuple((sent_start + s, sent_start + e) for s, e, _, _ in times)
        cues = ctx.phrase_cues(blocked, tuple((e.start_char, e.end_char) for e in ents if e.label_ != "ORG"))
        roles: list[str | None] = []
        entities: list[str | None] = []
        out: list[Claim] = []
        for i, q in enumerate(group):
            qs, qe = local[i]
            rules = list(q.rules)
            # role
            role, role_rule, cue_start = ctx.role_of(sentence, qs, qe, roles, q.high is not None, local[i - 1][1] if i else 0)
            if role is None and i > 0 and roles[-1] is not None and _joined_by_list(sentence, local[i - 1][1], qs, ctx):
                role = roles[-1]
            if role_rule:
                rules.append(role_rule)
            # time
            time, time_rule = ctx.time_of(sentence, times, qs, local, own_clause=q.kind == "age")
            if time_rule:
                rules.append(time_rule)
            # where
            where, where_rule = ctx.where_of(ents, sent_start, qs, sentence, openers, qe, doc)
            if where_rule:
                rules.append(where_rule)
            # entity: from the table's headers when the quantity is a table cell, else from the sentence
            cell = cell_at(tables, q.start) if tables else None
            table = self._table_context(cell, times) if cell is not None else None
            if table is not None:
                entity, entity_rule, table_time, table_time_rule = table
                if table_time is not None and table_time != time:
                    time = table_time
                    rules = [r for r in rules if r != time_rule] + [table_time_rule]
            else:
                entity, entity_rule = self._entity(doc, sentence, sent_start, group, local, i, role, cue_start, entities, cues, times, ents)
                own_clause = sentence[clause_start(sentence, qs, self.cues.clause_ends) : qs]
                if (earlier or out) and self._is_ranking(sentence, qs, qe) and not (entity and entity in own_clause and not self._is_place(doc, sent_start + own_clause.find(entity), entity, ents)):
                    # 某市以202亿元|排名第7位: the figure a ranking is by measures the topic stated before
                    ranked, ranked_rule = self._entity_before(text, sent_start, q.kind, [*earlier, *out], paragraph=False)
                    if ranked:
                        entity, entity_rule = ranked, "entity.ranking"
                if (earlier or out) and self._bracketed_after_place(doc, sentence, sent_start, qs, qe, ents):
                    # 宁波（6.3%）和苏州（5.1%）: a figure in brackets after a place measures the topic stated before
                    # in running text (a table's row header is a place or a row, no topic)
                    stated = [c for c in [*earlier, *out] if not c.rule.endswith(_TABLE_RULES)]
                    ranked, ranked_rule = self._entity_before(text, sent_start, q.kind, stated, paragraph=False)
                    if ranked:
                        entity, entity_rule = ranked, "entity.place_bracket"
                if not entity and not entities and earlier:
                    entity, entity_rule = self._entity_before(text, sent_start, q.kind, earlier)
                if entity_rule == "entity.subject_counter":
                    # 拘捕两名男子，…，二人涉嫌…: as many persons as a count just before are those
                    same = self._same_count_before(text, sent_start, q, [*earlier, *out])
                    if same:
                        entity, entity_rule = same, "entity.same_count"
            if self.entity_model is not None or self.collect_candidates:
                site = EntitySite(doc, sentence, sent_start, group, local, i, role, cue_start, entities, cues, times, ents, cell, entity, entity_rule, self._previous_sentence)
                entity, entity_rule = self._learned_entity(site)
            if entity_rule:
                rules.append(entity_rule)
            kind = q.kind
            if kind == "count" and not q.unit and entity and entity.endswith(self.cues.money_nouns):
                kind = "money"  # 财政收入过千亿, 欠医药费3万多: a bare multiplier that measures money
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
                    kind=kind,
                    qualifier=q.qualifier,
                    entity=entity,
                    role=role,
                    where=where,
                    time=time,
                    sentence=sentence.strip(),
                    rule="+".join(dict.fromkeys(rules)),
                )
            )
        for claim, time in zip(out, ctx.distribute_times(sentence, local, [c.time for c in out])):
            claim.time = time  # 2018年及2019年…分别为A及B
        for claim, where in zip(out, ctx.distribute_wheres(ents, sent_start, sentence, local, [c.where for c in out])):
            claim.where = where  # 甲市和乙市…分别增长A和B
        return out

    def _learned_entity(self, site: EntitySite) -> tuple[str | None, str]:
        """The entity the learned model chooses among every branch's candidates (the cascade's when
        there is no model), and its branch id (after `entity.learned` when it is not the cascade's)."""
        candidates = entity_candidates(self, site)
        if self.collect_candidates:
            site.doc.user_data[CANDIDATES_KEY].append([[c.text, c.branches, c.cascade, c.features] for c in candidates])
        if self.entity_model is None:
            return site.entity, site.rule
        chosen = self.entity_model.choose(candidates)
        if chosen.cascade:
            return site.entity, site.rule
        return chosen.text, "entity.learned+" + chosen.branches[0]

    def _table_context(
        self, cell: TableCell, times: list[tuple[int, int, str, str]]
    ) -> tuple[str, str, str | None, str] | None:
        """Entity (and time) of a quantity in a table cell: the row's header cell, or, when the row's
        header is a time (2016年), the column's header with that time; None when the table gives none."""
        header = cell.row_header
        if header is not None and header.text:
            time = next((t for t in times if t[2] == header.text), None)
            if time is None:
                return header.text, "entity.table_row", None, ""
            if cell.column_header is not None:
                return cell.column_header.text, "entity.table_column", time[2], time[3]
            return None
        if cell.column_header is not None:
            return cell.column_header.text, "entity.table_column", None, ""
        return None

    def _entity(self, doc, sentence, sent_start, group, local, i, role, cue_start, previous, cues, times, ents=()) -> tuple[str | None, str]:
        """The entity of quantity `i` of the sentence and the id of the branch that chose it; a place
        alone (庆阳市|增长36.4%), or nothing, under a heading line (投资增速) gives way to the heading."""
        entity, rule = self._entity_in_sentence(doc, sentence, sent_start, group, local, i, role, cue_start, previous, cues, times, ents)
        if rule in ("entity.clause_quantity", "entity.subject", "entity.topic_clause") and group[i].kind == "money":
            holder = self._total_holder(doc, sentence, sent_start, group, local, i, cues, times, ents)
            if holder:
                return holder, "entity.total_holder"
        if rule in _SPEAKER_MAY_REPLACE and group[i].unit not in self.cues.person_counters:
            # (a count of persons counts them, not the speaker: 我为自己留下三百人)
            speaker = self._speaker(doc, sentence, sent_start, local[i][0], cues)
            if speaker:
                return speaker, "entity.speaker"
        if rule == "entity.subject_counter":
            whole = self._whole_before(sentence, group, local, i, previous)
            if whole:
                return whole, "entity.part_of_whole"
        if not entity or rule != "entity.respectively" and self._is_place(doc, sent_start + sentence.find(entity), entity, ents):
            heading = self._heading(doc, sent_start + local[i][0])
            if heading:
                return heading, "entity.heading"
            if group[i].unit in self.cues.unit_nouns:
                return group[i].unit, "entity.unit_noun"  # 由东站到机场|共有46班次: a place is no count
        return entity, rule

    def _whole_before(self, sentence: str, group: list[Quantity], local: list[tuple[int, int]], i: int, previous: list[str | None]) -> str | None:
        """What the nearest earlier count of persons (`person_counter`) in the sentence that names a
        noun counts, when a `part_of_whole` word stands between it and quantity `i` (500名病人在医院，
        当中|12人危殆，余下|480人情况稳定: the parts are 病人; a count of other things between, 20间医院,
        is passed over); None when that count names only its counter (12人被捕，其中|三人: 人) or its
        noun does not follow it (制裁|6人，当中…)."""
        if not self.cues.parts_of_whole:
            return None
        qs = local[i][0]
        for k in range(i - 1, -1, -1):
            entity = previous[k] if k < len(previous) else None
            if group[k].kind != "count" or not entity or entity in self.cues.subject_counters:
                continue
            if group[k].unit not in self.cues.person_counters:
                continue  # 300名病人在20间医院，当中|17人: a count of other things is no whole of persons
            if not sentence.startswith(entity, local[k][1]):
                if any(word in sentence[: local[k][0]] for word in self.cues.parts_of_whole):
                    continue  # 当中|12人危殆，余下|480人: an earlier part, the whole is before it
                return None  # 制裁|6人，当中…: the whole is a count before its noun (40名|示威者)
            between = sentence[local[k][1] : qs]
            return entity if any(word in between for word in self.cues.parts_of_whole) else None
        return None

    def _same_count_before(self, text: str, sent_start: int, q: Quantity, earlier: list[Claim]) -> str | None:
        """What an earlier count of as many (same value, a count) in the paragraph, at most the
        sentence before, counts with another counter, when the noun after it names it (两名|男子 …
        二人: 男子)."""
        assert self.context is not None
        line_start = text.rfind("\n", 0, sent_start) + 1
        for claim in reversed(earlier):
            if claim.start < line_start or len(self.context.sentence_end.findall(text, claim.end, sent_start)) > 1:
                return None
            if claim.kind == "count" and claim.value == q.value and claim.unit != q.unit and claim.entity and claim.entity not in self.cues.subject_counters and claim.rule.endswith("entity.np_after"):
                return claim.entity
        return None

    def _bracketed_after_place(self, doc: Doc, sentence: str, sent_start: int, qs: int, qe: int, ents) -> bool:
        """True when the quantity alone fills a bracket right after a place (宁波（6.3%）, 某市(12亿元))."""
        assert self.context is not None
        before, after = sentence[:qs], sentence[qe:]
        if not before or before[-1] not in self.cues.place_brackets or not after or after[0] != _OPENERS.get(before[-1]):
            return False
        place_end = sent_start + qs - 1
        return any(e.end_char == place_end and e.label_ == "GPE" for e in ents)

    def _is_ranking(self, sentence: str, qs: int, qe: int) -> bool:
        """True when the quantity is what a ranking is by: a `rank_by` word right before it and a
        `rank` word right after it (以|202亿元|排名第7位, 以|6.6%|位居第二)."""
        return sentence[:qs].endswith(self.cues.rank_by) and sentence[qe:].lstrip().startswith(self.cues.ranks) if self.cues.rank_by and self.cues.ranks else False

    def _entity_before(self, text: str, sent_start: int, kind: str, earlier: list[Claim], paragraph: bool = True) -> tuple[str | None, str]:
        """What the last claim of the same kind in an earlier sentence of the paragraph (or, without
        `paragraph`, of the article) measures, for a sentence whose first quantity names nothing
        (北京以1689亿元|排名第二: the topic was stated before); None when there is none."""
        line_start = text.rfind("\n", 0, sent_start) + 1 if paragraph else 0
        for claim in reversed(earlier):
            if claim.start < line_start:
                break
            if paragraph and len(self.context.sentence_end.findall(text, claim.end, sent_start)) > 1:
                break  # only the sentence right before
            if claim.kind == kind:
                return (claim.entity, "entity.previous_sentence") if claim.entity else (None, "")
        return None, ""

    def _is_place(self, doc: Doc, start: int, phrase: str, ents) -> bool:
        """True when the phrase at `start` is a place or organisation: an entity of the doc, or words
        all tagged as places."""
        if any(e.text == phrase and e.label_ == "GPE" for e in ents):
            return True
        tokens = [t for t in tokens_between(doc, start, start + len(phrase)) if t.text.strip()]
        return bool(tokens) and all(_tag_in(t.tag_, self.cues.place_tags) for t in tokens)

    def _heading(self, doc: Doc, pos: int) -> str | None:
        """The heading over the list line holding `pos`: the nearest line above, past other lines with
        numbers, that has no number, no sentence end and no verb, without its list marker (一、). A line
        with a verb is a headline of a news item (某大会在京召开), not a heading that names a measure
        (投资增速, 工业生产: verbal nouns are no verbs)."""
        text = doc_text(doc)
        line_start = text.rfind("\n", 0, pos) + 1
        for _ in range(self.cues.heading_reach):
            if line_start == 0:
                return None
            above = text.rfind("\n", 0, line_start - 1) + 1
            line = text[above : line_start - 1].strip()
            if not self.has_number.search(self.cues.heading_marker.sub("", line)):
                line = self.cues.heading_marker.sub("", line).strip().rstrip(":：")
                if line and len(line) <= self.cues.heading_length and not self.cues.heading_stop.search(line):
                    return None if self._has_verb(line) else line
                return None
            line_start = above
        return None

    def _word_after(self, doc: Doc, at: int, after_text: str, words: tuple[str, ...], cues: PhraseCues) -> bool:
        """True when one of `words` opens `after_text` (the text from character `at` of the doc): a
        word of two characters or more anywhere (300亿元|排名…), one of one character (中) unless it
        begins a longer word tagged as a plain noun (`noun_word` tags: 300家|中小企业, 12个|中心;
        not 13人|中招, a verb jieba tags otherwise)."""
        word = next((w for w in words if after_text.startswith(w)), None)
        if word is None:
            return False
        if len(word) > 1:
            return True
        first = next((t for t in tokens_between(doc, at, at + 1) if t.idx == at), None)
        return first is None or len(first.text) == 1 or first.tag_ not in cues.noun_word_tags or cues.is_scope(first) or cues.is_blocked(first)

    def _has_verb(self, line: str) -> bool:
        """True when a word of the line is a verb (not a verbal noun) or a listed verbal word or
        predicate; the line is cut into words here, as a line without a number is not cut in the Doc."""
        assert self.context is not None
        ctx = self.context
        if self.tokenizer is None or not hasattr(self.tokenizer, "cut"):
            return False
        return any(
            (tag.startswith("v") and tag != "vn" and word not in ctx.attributive) or word in ctx.verbal or word in ctx.predicates
            for word, tag in self.tokenizer.cut(line)
        )

    def _entity_in_sentence(self, doc, sentence, sent_start, group, local, i, role, cue_start, previous, cues, times, ents) -> tuple[str | None, str]:
        """The entity of quantity `i` read from its sentence, and the branch that chose it."""
        assert self.context is not None
        ctx = self.context
        qs, qe = local[i]
        q = group[i]
        after_text = sentence[qe:]
        # parallel lists: 薪俸税、物业税收入分别为608亿元、34亿元
        listed = self._respectively(doc, sentence, sent_start, local, i, cues)
        if listed:
            return listed, "entity.respectively"
        if q.unit in self.cues.household_counters:
            household = self._household(doc, sentence, sent_start, qs, qe, cues)
            if household:
                return household, "entity.household"
        listed_after = self._list_of_quantities(doc, sentence, sent_start, group, local, i, cues)
        if listed_after:
            return listed_after, "entity.list_after"
        group_pronoun = self._group_pronoun(sentence, qs, q)
        if group_pronoun:
            return group_pronoun, "entity.group_pronoun"
        if q.kind == "age":
            # 现年45岁的|他, 她|今年|只有30岁: a personal pronoun holds the age
            pronoun = self._age_pronoun(doc, sentence, sent_start, qs, qe, times)
            if pronoun:
                return pronoun, "entity.age_pronoun"
        if q.kind == "age" and after_text.startswith("的"):
            return _age_holder(doc, sent_start + qe + 1, sent_start + len(sentence)), "entity.age_holder"
        if q.kind == "age":
            de = self._relative_de(after_text)
            between = [t for t in tokens_between(doc, sent_start + qe, sent_start + qe + de) if t.idx >= sent_start + qe] if de is not None else []
            if de is not None and any(cues.is_verbal(t) or t.tag_.startswith(self.cues.clause_tags) for t in between) and not any(s >= qe and s < qe + de for s, _ in local):
                # 77岁|中风瘫痪的|阿嬷某某: a short clause about the holder comes between
                holder = _age_holder(doc, sent_start + qe + de + 1, sent_start + len(sentence))
                if holder:
                    return holder, "entity.age_holder"
            word = next((w for w in self.cues.age_predicates if sentence[:qs].rstrip().endswith(w)), None)
            before_word = sentence[: len(sentence[:qs].rstrip()) - len(word)].rstrip() if word else ""
            if word and (not before_word or self.cues.clause_ends.match(before_word[-1])):
                # 某某同志……逝世，享年96岁: the age of the sentence's subject
                subject = self._clause_subject(doc, sentence, sent_start, 0, qs, cues, times, ents)
                if subject:
                    return subject, "entity.age_subject"
        next_is_quantity = i + 1 < len(local) and local[i + 1][0] == qe
        if next_is_quantity:
            # 1940户8132名搬迁群众: the counted thing follows the last quantity of the chain
            j = i
            while j + 1 < len(local) and local[j + 1][0] == local[j][1]:
                j += 1
            if group[j].unit in self.cues.household_counters:
                # 1万5000元|4口|为生: an amount that a household's members live on is the household's
                household = self._household(doc, sentence, sent_start, local[j][0], local[j][1], cues)
                if household:
                    return household, "entity.household"
            phrase = np_after(doc, sent_start + local[j][1], sent_start + len(sentence), cues=cues)
            if phrase:
                return phrase, "entity.chain_after"
        # a person counter closing a list of names (陈某、李某等|5人): the persons listed
        if q.unit in self.cues.subject_counters:
            named = self._listed_persons(doc, sentence, sent_start, local, qs, qe, cues)
            if named:
                return named, "entity.list_closer"
        # a person counter then a copula and a noun phrase (7人|是|伤者, 7人|为阳性): what the
        # copula names is what the persons are counted as
        if q.unit in self.cues.subject_counters:
            named = self._copula_predicate(doc, sentence, sent_start, qe, cues)
            if named:
                return named, "entity.copula_predicate"
        # a person counter followed by its predicate (15人危殆), no noun right before it (干部|30人):
        # the persons are what is counted
        if q.unit in self.cues.subject_counters:
            following = _words(doc, sent_start + qe, sent_start + len(sentence))
            if following and self._opens_predicate(following[0], sentence[qe : following[0].idx - sent_start]) and (
                not self._noun_right_before(doc, sentence, sent_start, qs, cues) or self._verb_right_before(doc, sent_start + qs, cues)
            ):
                return q.unit, "entity.subject_counter"
        # a share followed by where it comes from (5%|来自|甲校及乙校, 70%|由|中央财政|承担): that part
        if q.kind == "percent":
            source = self._share_source(doc, sentence, sent_start, qe, cues)
            if source:
                return source, "entity.share_source"
        # a counter that is a noun (共有34班次|的座位, 有31班次|有位) counts itself, unless a noun
        # phrase right before it names what it counts (讲座|35场次) or a noun follows it (500架次|航班)
        if q.unit in self.cues.unit_nouns and not self._noun_right_before(doc, sentence, sent_start, qs, cues, ents):
            following = next((t for t in tokens_between(doc, sent_start + qe, sent_start + len(sentence)) if t.idx >= sent_start + qe), None)
            if following is None or not cues.is_nominal(following) or cues.is_verbal(following):
                return q.unit, "entity.unit_noun"
        # a base the clause's subject grows on (出口在上年12%的高增长基础上|继续加快): the subject
        based = self._base_frame_subject(doc, sentence, sent_start, qs, qe, cues, times, ents)
        if based:
            return based, "entity.base_frame"
        # the old value of a change with its noun after 的 or a relative clause (从300公里的|规划，
        # 降至…; 从90多个|提出申请的|城市，到…): the noun
        first_after = next((t for t in tokens_between(doc, sent_start + qe, sent_start + len(sentence)) if t.idx >= sent_start + qe and t.text.strip()), None)
        if role == "from" and first_after is not None and (first_after.text == "的" or cues.is_verbal(first_after)) and not self._noun_right_before(doc, sentence, sent_start, qs, cues):
            # not a noun right after (由500架|无人机组成的…: the noun is what is counted)
            phrase = np_after(doc, sent_start + qe + after_text.startswith("的"), sent_start + len(sentence), cues=cues)
            if phrase and sentence.find(phrase, qe) > qe:  # past 的 or a relative clause, not the change (由5%|拾级下跌至)
                return phrase, "entity.np_after_de"
        # after the old value of a change (由820万元|显著增至) comes the change, not what is counted
        # money right after the money noun it measures (家庭年收入|20万元|群体): that noun, not the one after
        if q.kind == "money" and self.cues.money_nouns and self._noun_right_before(doc, sentence, sent_start, qs, cues):
            before = np_before(doc, sent_start + qs, sent_start + clause_start(sentence, qs, self.cues.clause_ends), cues=cues)
            if before and sentence.endswith(before, 0, qs) and before.endswith(self.cues.money_nouns):
                return before, "entity.money_noun"
        word = self._counter_in_word(doc, sent_start, sent_start + len(sentence), qs, qe, q, cues)
        if word:
            return word, "entity.counter_word"
        if role != "from" and not self.cues.punct_after.match(after_text) and not self._word_after(doc, sent_start + qe, after_text, self.cues.not_after, cues):
            phrase = np_after(doc, sent_start + qe, sent_start + len(sentence), cues=cues)
            if phrase in self.cues.lead_in or phrase in self.cues.copulas:
                phrase = ""  # 300人|当中, 10人|为(他送行): a lead-in word or a copula left of a word the count cut names nothing
            if phrase and q.kind == "percent" and self._adjective_of_predicate(doc, sent_start + qe, phrase, cues):
                phrase = ""  # 40%|严重|烧伤: a share of the noun before it; the adjective describes the predicate
            if phrase and not after_text.startswith("的"):
                phrase = self._own_phrase(doc, sentence, sent_start, qe, phrase, self.cues.after_not_head_tags)
                if phrase:
                    return phrase, "entity.np_after"
            # X的N: N is what X measures (3米的海浪), unless a noun phrase right before the quantity
            # names the property and N only has it (集体收入|5万元以上的|村)
            # a count's classifier then one verb closing the clause (新增40宗|确诊。), no noun right
            # before the count (一家|三口|开销): the verb names the cases
            if not phrase and q.kind == "count" and q.unit and q.unit not in self.cues.subject_counters:
                # a count then a longer relative clause up to 的 (8名|当日在场、未有受伤的|市民): its head
                head = self._relative_head(doc, sentence, sent_start, qe, local, cues)
                if head:
                    return head, "entity.relative_head"
                following = [t for t in tokens_between(doc, sent_start + qe, sent_start + len(sentence)) if t.idx >= sent_start + qe]
                # (a change cue right before the count, 单日急增|27宗|确诊, stands for no noun)
                if len(following) >= 1 and cues.is_verbal(following[0]) and (len(following) == 1 or self.cues.punct_after.match(following[1].text)) and (role is not None and cue_start < qs or not self._noun_right_before(doc, sentence, sent_start, qs, cues)):
                    return following[0].text, "entity.verbal_noun"
            if after_text.startswith("的") and (q.kind == "percent" or not self._noun_right_before(doc, sentence, sent_start, qs, cues)):
                phrase = np_after(doc, sent_start + qe + 1, sent_start + len(sentence), cues=cues)
                if phrase and q.unit in self.cues.subject_counters and not phrase.endswith(self.cues.person_groups):
                    return q.unit, "entity.subject_counter"  # 3人的|手机: a person counter that is a noun owns what follows 的; the persons are counted
                if phrase:
                    return phrase, "entity.np_after_de"
                following = [t for t in tokens_between(doc, sent_start + qe + 1, sent_start + len(sentence)) if t.idx >= sent_start + qe + 1]
                if following and cues.is_verbal(following[0]) and len(following[0].text) > 1 and (len(following) == 1 or self.cues.punct_after.match(following[1].text)):
                    return following[0].text, "entity.np_after_de"  # 保持3%的|增长。: a verb after 的 closing the clause is a noun
        # a share: 教育支出占财政支出的18%
        share = self._share_subject(doc, sentence, sent_start, qs, cues)
        if share:
            noun = self._share_noun_before(sentence, qs)
            if noun:
                return noun, "entity.share_noun"  # 增加值占GDP的比重|达到48%: the share noun is measured
            whole = self._share_of_counted(doc, sentence, sent_start, local, i, share, cues)
            if whole:
                return whole, "entity.share_whole"
            return share, "entity.share"
        clause_from = clause_start(sentence, qs, self.cues.clause_ends)
        if share is not None and clause_from > 0 and sentence.endswith("的", 0, qs):
            # …纳税人数目增加至19.5万，|占纳税人总数的11%: the share's subject is the earlier clause's
            # (占…比重|30%, 占…的|30%: a share noun right before names what it measures)
            found = self._subject(doc, sentence, sent_start, clause_from - 1, local, i, previous, cues, times, ents)
            if found:
                return found[0], "entity.share"
        # noun phrase before the quantity (or before its change cue)
        end = cue_start if role is not None and cue_start < qs else qs
        clause_floor = sent_start + clause_start(sentence, end, self.cues.clause_ends)
        head = ctx.strip_time_before(ctx.strip_before(sentence[:end]), times)
        if any(e == len(head) for _, e in local[:i]) and previous and previous[-1]:
            return previous[-1], "entity.same_as_previous"  # 1699支27.81万人: the second count measures the same thing
        phrase = np_before(doc, sent_start + len(head), clause_floor, cues=cues)
        if phrase in self.cues.lead_in:
            phrase = ""  # 当中|四分一: the part of a whole named before, no noun of its own
        at = sentence.rfind(phrase, 0, len(head)) if phrase else -1  # (function words after the head are passed over)
        inside = next((k for k in range(i) if phrase and local[k][0] <= at < local[k][1]), None)
        own = phrase[local[inside][1] - at :] if inside is not None else ""
        own_words = _words(doc, sent_start + local[inside][1], sent_start + at + len(phrase)) if inside is not None and own else []
        if inside is not None and q.kind == "money" and own.endswith(self.cues.money_nouns):
            phrase, at = own, local[inside][1]  # 30个|项目总投资|50亿元: a noun of money after the counter names the amount
        elif inside is not None and len(own_words) > 1 and own_words[0].idx == sent_start + local[inside][1] and not any(cues.is_function(t) or cues.is_scope(t) for t in own_words):
            # 126户|农户户均增收|8000元: words of their own after the earlier quantity's counter (not a
            # function word among them: 6口|月仅|1.1万) name what this one measures
            phrase, at = own, local[inside][1]
        elif inside is not None and previous[inside]:
            return previous[inside], "entity.same_as_previous"  # 6口|月仅|1.1万: the counter of an earlier quantity names nothing; what it measures
        if phrase and at >= 0 and self._names_nothing(doc, sent_start + at, phrase):
            phrase = ""  # 山上|只有8度, 一个|5毛钱: a locative or a numeral alone names nothing
        if phrase and q.kind == "money" and not phrase.endswith(self.cues.money_nouns) and phrase not in self.cues.money_verbs and at >= 0 and not sentence.endswith("的", 0, at) and self._is_bare_verb_phrase(doc, sent_start + at, phrase, cues):
            # 仅靠|9千元, 帮忙|2千元: a verb names an activity counted (培训|300人次), not an amount
            # of money, unless it ends in a noun of money (扣款|8元) or is a `money_verb` (创收|5万元);
            # after 的 a verb is a noun (经网上进行的|汇款|超过3亿元: the transfers)
            phrase = ""
        if phrase:
            # a change's base of comparison (比|一季度|提升) is not what changes
            phrase = self._own_phrase(doc, sentence, sent_start, len(head) - len(phrase), phrase, self.cues.not_head_tags, base=role is not None, keep_cut=True)
            # (where the phrase starts once trailing adverbs are trimmed: 比原先估算|大幅|增加)
            phrase_at = sentence.rfind(phrase, clause_floor - sent_start, len(head)) if phrase else -1
            if phrase and role is not None and self._after_comparison_marker(doc, sent_start, clause_floor - sent_start, phrase_at if phrase_at >= 0 else len(head) - len(phrase), cues):
                phrase = ""  # 比“十二五”时期|增长: the base, quoted or not
        if phrase:
            ends = {sent_start + e for _, e in local}
            listed = _with_list_before(doc, sent_start + len(head), phrase, clause_floor, ends, ctx, cues)
            return listed, "entity.np_before" if listed == phrase else "entity.list_before"
        # a counter that is a noun names what it counts (每天共有40班次)
        if q.unit in self.cues.unit_nouns:
            return q.unit, "entity.unit_noun"
        # a person counter opening a predicate (至今有12人被捕): the persons are what is counted
        if q.unit in self.cues.subject_counters and not self.cues.punct_after.match(after_text):
            return q.unit, "entity.subject_counter"
        # the clause holds no noun phrase of its own (增长5.4%, 比一季度提升2个百分点): what it
        # measures is the subject of the nearest clause before it that has one
        subject = self._subject(doc, sentence, sent_start, end, local, i, previous, cues, times, ents, kinds=[g.kind for g in group])
        if subject:
            return subject
        if previous and previous[-1]:
            return previous[-1], "entity.previous"
        return None, ""

    def _list_of_quantities(self, doc, sentence, sent_start, group, local, i, cues) -> str | None:
        """What a list of quantities of one unit counts when the quantity opens or continues it
        (128GB及256GB|容量版本, 13、12、3岁及…|共5名|子女): the noun phrase after its last quantity, else
        for ages the holder after 的 of a later age of the clause (最大13岁、最小1岁的|子女) or the noun
        counted by a total word that closes the clause (…|共5名|子女); None when the quantity is
        followed by no list separator."""
        assert self.context is not None
        qe = local[i][1]
        separator = next((w for w in self.context.list_separators if sentence.startswith(w, qe)), None)
        if separator is None:
            return None
        clause_to = clause_end(sentence, qe, self.cues.clause_ends)
        j = i
        while j + 1 < len(local) and local[j + 1][0] < clause_to and group[j + 1].unit == group[i].unit and sentence[local[j][1] : local[j + 1][0]] in self.context.list_separators:
            j += 1
        if j > i:
            after = sentence[local[j][1] :]
            if not self.cues.punct_after.match(after) and not after.startswith("的") and not any(after.startswith(w) for w in self.context.list_separators):
                phrase = np_after(doc, sent_start + local[j][1], sent_start + clause_to, cues=cues)
                if phrase:
                    return phrase
        if group[i].kind != "age":
            return None
        for k in range(i + 1, len(local)):
            if local[k][0] >= clause_to:
                break
            if group[k].kind == "age" and sentence.startswith("的", local[k][1]):
                return _age_holder(doc, sent_start + local[k][1] + 1, sent_start + clause_to)
            if group[k].kind == "count" and any(sentence.endswith(w, 0, local[k][0]) for w in self.cues.totals):
                return np_after(doc, sent_start + local[k][1], sent_start + clause_to, cues=cues) or None
        return None

    def _total_holder(self, doc, sentence, sent_start, group, local, i, cues, times, ents) -> str | None:
        """Who holds a total of amounts of money the sentence lists before it (甲靠A 7800元与B 3500元，|
        共|1万1300元): the subject of the clause of the first of them; None when the quantity follows
        no `total` word (past one verb: 共|领) or no amount of money comes before it."""
        qs = local[i][0]
        clause_from = clause_start(sentence, qs, self.cues.clause_ends)
        head = sentence[clause_from:qs].rstrip()
        tokens = _words(doc, sent_start + clause_from, sent_start + clause_from + len(head))
        if tokens and tokens[-1].text not in self.cues.totals and (cues.is_verbal(tokens[-1]) or tokens[-1].tag_ == "vn"):
            last = tokens.pop()  # 共|领, or 共领 made one word
            if any(last.text.startswith(w) and len(last.text) == len(w) + 1 for w in self.cues.totals):
                tokens.append(last)
        if not tokens or not any(tokens[-1].text == w or tokens[-1].text.startswith(w) and len(tokens[-1].text) == len(w) + 1 for w in self.cues.totals):
            return None
        first = next((k for k in range(i) if group[k].kind == "money"), None)
        if first is None:
            return None
        start = clause_start(sentence, local[first][0], self.cues.clause_ends)
        return self._clause_subject(doc, sentence, sent_start, start, local[first][0], cues, times, ents)

    def _speaker(self, doc: Doc, sentence: str, sent_start: int, qs: int, cues: PhraseCues) -> str | None:
        """The person who speaks in the first person about an amount (王某表示，「我只能帮忙2千元」):
        the name before the sentence's last reporting verb (说, 表示) when, walking back from the
        quantity's clause to that verb, a clause holds a `first_person` word (我, 自己) before any
        clause holds a noun; None when there is no such speaker."""
        verb_at, verb = -1, ""
        for word in self.cues.reporting:
            at = sentence.rfind(word, 0, qs)
            while at >= 0 and not (at + len(word) < len(sentence) and _PUNCT_CHAR.match(sentence[at + len(word)])):
                at = sentence.rfind(word, 0, at)  # a reporting verb closes its clause: 说，/表示「
            if at > verb_at:
                verb_at, verb = at, word
        if verb_at <= 0:
            return None
        # the speaker: a name right before the verb, past adverbs (接着, 无奈地)
        before = [t for t in tokens_between(doc, sent_start, sent_start + verb_at) if t.text.strip() and t.idx + len(t.text) <= sent_start + verb_at]
        while before and (cues.is_function(before[-1]) or before[-1].tag_.startswith(("c", "ad", "d")) or before[-1].text.endswith("地") and len(before[-1].text) > 1):
            before.pop()
        if not before or not _tag_in(before[-1].tag_, self.cues.name_tags):
            return None
        speaker = before[-1].text
        clause_to = qs
        while clause_to > verb_at + len(verb):
            clause_from = max(clause_start(sentence, clause_to, self.cues.clause_ends), verb_at + len(verb))
            tokens = _words(doc, sent_start + clause_from, sent_start + clause_to)
            if any(t.text in self.cues.first_person for t in tokens):
                return speaker
            if any(cues.is_nominal(t) and not _tag_in(t.tag_, self.cues.empty_tags) for t in tokens):
                return None
            clause_to = clause_from - 1
        return None

    def _adjective_of_predicate(self, doc: Doc, start: int, phrase: str, cues: PhraseCues) -> bool:
        """True when the phrase at `start` opens with an adjective (`adjective_tag`) and holds no noun
        but verbs (30%|严重|烧伤): an adverbial adjective and the predicate, which name nothing counted."""
        tokens = _words(doc, start, start + len(phrase))
        return bool(tokens) and _tag_in(tokens[0].tag_, self.cues.adjective_tags) and all(
            _tag_in(t.tag_, self.cues.adjective_tags) or cues.is_verbal(t) or t.tag_ == "vn" for t in tokens
        )

    def _verb_right_before(self, doc: Doc, at: int, cues: PhraseCues) -> bool:
        """True when the word right before character `at` is a verb (借钱|两人|开了店): what comes
        before it is a clause of its own, not a noun the count measures."""
        token = next((t for t in reversed(tokens_between(doc, max(0, at - 8), at)) if t.idx < at and t.text.strip()), None)
        return token is not None and token.idx + len(token.text) == at and token.tag_.startswith("v") and token.tag_ != "vn"

    def _names_nothing(self, doc: Doc, start: int, phrase: str) -> bool:
        """True when every word of the phrase at `start` has an `empty_tag` (山上/s, 一个/m, 严重/a):
        a locative, a numeral or an adjective alone names nothing that is counted."""
        tokens = _words(doc, start, start + len(phrase))
        return bool(tokens) and all(_tag_in(t.tag_, self.cues.empty_tags) for t in tokens)

    def _age_pronoun(self, doc: Doc, sentence: str, sent_start: int, qs: int, qe: int, times) -> str | None:
        """The personal pronoun (an `age_pronoun`) an age belongs to: right after its 的 (45岁的|他) when
        no other word follows the pronoun (他们), else right before it past time words and copulas
        (她|今年|只有|30岁); None when there is none."""
        assert self.context is not None
        if sentence.startswith("的", qe):
            word = next((w for w in self.cues.age_pronouns if sentence.startswith(w, qe + 1)), None)
            after = sent_start + qe + 1 + len(word) if word else 0
            following = next((t for t in tokens_between(doc, after, after + 1) if t.idx == after), None) if word else None
            if following is not None and following.tag_.startswith("n"):
                return None  # 72岁的|他|爸爸: the pronoun is a possessor; the holder is the noun
            return word
        head = self.context.strip_time_before(self.context.strip_before(sentence[:qs]), times)
        return next((w for w in self.cues.age_pronouns if head.endswith(w)), None)

    def _group_pronoun(self, sentence: str, qs: int, q: Quantity) -> str | None:
        """The plural pronoun right before a count of persons it stands for (我们|4人, 他们|3个): the
        count is of that group, named by the pronoun; None when no such pronoun ends there."""
        if q.kind != "count" or q.unit not in self.cues.group_counters:
            return None
        return next((w for w in self.cues.group_pronouns if sentence.endswith(w, 0, qs)), None)

    def _base_frame_subject(self, doc, sentence, sent_start, qs, qe, cues, times, ents) -> str | None:
        """The subject of a clause whose quantity lies in a frame 在…基础上 (`frame_open` …
        `base_frame` cues: 出口额在上年12%的高增长基础上, 在去年增长8%的基础上): the noun phrase right
        before 在, else the subject opening the clause, else (a frame that is a clause of its own) the
        subject opening the next clause; None when the quantity is in no such frame."""
        assert self.context is not None
        if not self.cues.base_frames or not self.context.frame_open:
            return None
        clause_from = clause_start(sentence, qs, self.cues.clause_ends)
        clause_to = clause_end(sentence, qe, self.cues.clause_ends)
        if not any(sentence.find(w, qe, clause_to) >= 0 for w in self.cues.base_frames):
            return None
        own = np_after(doc, sent_start + qe, sent_start + clause_to, cues=cues)
        if own and sentence.startswith(own, qe):
            return None  # 在引进300名|人才的基础上: the quantity counts its own noun
        at = max(sentence.rfind(w, clause_from, qs) for w in self.context.frame_open)
        if at < 0:
            return None
        head = self.context.strip_time_before(self.context.strip_before(sentence[:at]), times)
        phrase = np_before(doc, sent_start + len(head), sent_start + clause_from, cues=cues) if sentence[len(head) : at].strip() == "" else ""
        if phrase:
            return phrase
        subject = self._clause_subject(doc, sentence, sent_start, clause_from, at, cues, times, ents)
        if subject or clause_to >= len(sentence) or sentence[clause_from:at].strip() or not sentence[:clause_to].rstrip().endswith(self.cues.base_frames):
            return subject
        # 在去年增长7%的基础上，|今年全县粮食产量…: a frame that is its own clause scopes the next
        following = clause_end(sentence, clause_to + 1, self.cues.clause_ends)
        return self._clause_subject(doc, sentence, sent_start, clause_to + 1, following, cues, times, ents)

    def _opens_predicate(self, token: Token, gap: str = "") -> bool:
        """True when `token`, right after a person counter (12人|被捕), opens its predicate: a word of
        a predicate tag, or any word but punctuation, 的 and a `person_group` noun (5人|小组), since a
        person counter that is a noun takes no noun after it (28人|出院 and 9人|情况稳定 alike)."""
        if gap.strip() in self.cues.copulas:
            return False  # 7人|为阳性 (or 人为|阳性, one word): what the copula names is what the persons are counted as
        if _tag_in(token.tag_, self.cues.predicate_tags):
            return True
        text = token.text.strip()
        if not text or self.cues.punct_after.match(text) or text in self.cues.copulas:
            return False
        if token.tag_.startswith("n") and text.endswith(self.cues.person_groups):
            return False  # 7人|评审团: a noun whose head is a group noun (团, 小组) is the group counted
        return not text.startswith(("的", *self.cues.person_groups))

    def _counter_in_word(self, doc: Doc, sent_start: int, sent_end: int, qs: int, qe: int, q: Quantity, cues: PhraseCues) -> str | None:
        """What a count names when the tokenizer joined its counter, or the person noun after it, to
        more text: a dictionary noun that the counter begins (12万|人口, 8万|名额) is that noun; a
        person counter that is a noun (人) left after the counter (9|个人, or 人 opening a word the
        tagger guessed, 二十多个|人|很认真) is that noun alone. None otherwise."""
        if not q.unit:
            return None
        end = sent_start + qe
        word = next((t for t in tokens_between(doc, end - 1, end + 1) if t.idx < end < t.idx + len(t.text)), None)
        if word is not None:
            if word.idx < sent_start + qs:
                return None
            piece = word.text[end - word.idx :]
            if piece in self.cues.subject_counters:
                return piece  # 9|个人: the person noun after the counter
            lexicon = getattr(self.tokenizer, "word_tags", None) or {}
            for size in (3, 2):
                noun = doc.text[end : end + size]
                if len(noun) == size and lexicon.get(noun, "").startswith("n"):
                    return noun  # 6名|医生 cut 名医|生: the counter counts the dictionary noun after it
            counter = doc.text[word.idx : end]
            if word.tag_.startswith("n") and counter == q.unit and np_after(doc, end, sent_end, cues=cues) == piece:
                return word.text  # 12万|人口, 8万|名额: the noun the counter begins, nothing after it
            return None
        following = next((t for t in tokens_between(doc, end, end + 1) if t.idx == end), None)
        if following is None:
            return None
        if following.text in self.cues.subject_counters:
            return following.text  # 二十多个|人|很认真: 人 takes no noun after it
        if _tag_in(following.tag_, self.cues.name_tags):
            noun = next((c for c in self.cues.subject_counters if following.text.startswith(c)), None)
            return noun  # a word the tagger guessed, opening with 人, after the counter
        return None

    def _listed_persons(self, doc: Doc, sentence: str, sent_start: int, local: list[tuple[int, int]], qs: int, qe: int, cues: PhraseCues) -> str | None:
        """The items a person count closes after a `list_closer` (陈某、李某等|5人), when no noun
        follows the count (等5人|小组 counts the group): the noun phrase before the closer with the
        list it ends; None otherwise."""
        assert self.context is not None
        closer = next((w for w in longest_first(cues.list_closers) if sentence.endswith(w, 0, qs)), None)
        if closer is None:
            return None
        following = _words(doc, sent_start + qe, sent_start + len(sentence))
        if following and cues.is_nominal(following[0]) and not self._opens_predicate(following[0], sentence[qe : following[0].idx - sent_start]):
            return None
        end = qs - len(closer)
        floor = sent_start + clause_start(sentence, end, self.cues.clause_ends)
        if any(word in sentence[floor - sent_start : end] for word in self.cues.parts_of_whole):
            return None  # 当中只有甲和乙等9人: the part of a whole counted before (part_of_whole)
        phrase = np_before(doc, sent_start + end, floor, cues=cues)
        if not phrase or not sentence.endswith(phrase, 0, end):
            return None
        words = _words(doc, sent_start + end - len(phrase), sent_start + end)
        verb = next((t for t in reversed(words) if cues.is_verbal(t)), None)
        if verb is not None:
            phrase = doc.text[verb.idx + len(verb.text) : sent_start + end]  # 法官判处|张某等3人: the object, not the verb
            if not phrase:
                return None
        ends = {sent_start + e for _, e in local}
        return _with_list_before(doc, sent_start + end, phrase, floor, ends, self.context, cues)

    def _copula_predicate(self, doc: Doc, sentence: str, sent_start: int, qe: int, cues: PhraseCues) -> str | None:
        """The noun phrase after a copula right after a quantity (7人|是|伤者; 人为|阳性, one word),
        past a short modifier ending in 的 (9人|是|公司内部的|经理): None when no copula follows, the
        copula begins a longer word (是否, 达标) or no noun phrase follows it."""
        word = next((w for w in longest_first(self.cues.copulas) if sentence.startswith(w, qe)), None)
        if word is None:
            return None
        at = qe + len(word)
        following = next((t for t in tokens_between(doc, sent_start + at - 1, sent_start + at + 1) if t.idx >= sent_start + at), None)
        if following is None or following.idx != sent_start + at:
            return None
        de = self._relative_de(sentence[at:])
        if de is not None:
            head = np_after(doc, sent_start + at + de + 1, sent_start + len(sentence), cues=cues)
            if head and sentence.startswith(head, at + de + 1):
                return head
        if not cues.is_nominal(following):
            return None
        phrase = np_after(doc, sent_start + at, sent_start + len(sentence), cues=cues)
        return phrase if phrase and sentence.startswith(phrase, at) else None

    def _share_source(self, doc: Doc, sentence: str, sent_start: int, qe: int, cues: PhraseCues) -> str | None:
        """The part a share comes from, named after a `source` word right after it (5%|来自|甲校及乙校,
        70%|由|中央财政|承担): the noun phrases after the word, with the list separators joining
        them; None when no source word follows or no noun phrase comes after it."""
        assert self.context is not None
        at = qe
        while at < len(sentence) and sentence[at].isspace():
            at += 1
        word = next((w for w in self.cues.sources if sentence.startswith(w, at)), None)
        if word is None:
            return None
        start = at = at + len(word)
        end = start
        while True:
            item = np_after(doc, sent_start + at, sent_start + len(sentence), cues=cues)
            if not item or not sentence.startswith(item, at):
                break
            end = at + len(item)
            separator = next((s for s in self.context.list_separators if sentence.startswith(s, end)), None)
            if separator is None:
                break
            at = end + len(separator)
        return sentence[start:end] or None

    def _relative_de(self, after: str) -> int | None:
        """Offset of the 的 that closes a short clause right after a quantity (中风瘫痪|的), at most
        `_RELATIVE_REACH` characters on and with no punctuation before it; None when there is none."""
        for k, char in enumerate(after[: _RELATIVE_REACH + 1]):
            if char == "的":
                return k if k > 0 else None
            if self.cues.clause_ends.match(char) or not char.strip() or _PUNCT_CHAR.match(char):
                return None
        return None

    def _share_of_counted(self, doc: Doc, sentence: str, sent_start: int, local: list[tuple[int, int]], i: int, share: str, cues: PhraseCues) -> str | None:
        """The whole B of a share A占B X% when A is itself counted by an earlier quantity (最大的800间|公司
        占|利得税收入的|58%, 1%|人口占…): that quantity measures A, the share measures B, the noun
        phrase right before the share (or its 的); None when A is not counted or no phrase is there."""
        assert self.context is not None
        qs = local[i][0]
        at = sentence.rfind(share, 0, qs)
        if at < 0 or not any(e == at for _, e in local[:i]):
            return None
        head = self.context.strip_before(sentence[:qs])
        found = np_before(doc, sent_start + len(head), sent_start + at + len(share), cues=cues)
        return found if found and sentence.endswith(found, 0, len(head)) else None

    def _relative_head(self, doc: Doc, sentence: str, sent_start: int, qe: int, local: list[tuple[int, int]], cues: PhraseCues) -> str | None:
        """The noun phrase after a relative clause that follows a count and ends in 的 (8名|当日在场、
        未有受伤的|市民, 28班|由甲站到乙站的|列车): the clause must hold a verb (or a word of an
        `age_clause_tag` tag), no clause punctuation (、 may join its parts), no other quantity, and
        end within `_RELATIVE_HEAD_REACH` characters; None otherwise (3间|在去年的|评审: no verb;
        每300户|划分一个网格的|原则: a numeral in the clause)."""
        end = min(len(sentence), qe + _RELATIVE_HEAD_REACH)
        de = next((k for k in range(qe, end) if sentence[k] == "的" or self.cues.clause_ends.match(sentence[k])), None)
        if de is None or de == qe or sentence[de] != "的" or any(qe < s < de for s, _ in local):
            return None
        between = _words(doc, sent_start + qe, sent_start + de)
        if not between or between[-1].idx + len(between[-1].text) != sent_start + de:
            return None  # the 的 is inside a word (目的)
        if not any(cues.is_verbal(t) or t.tag_.startswith(self.cues.clause_tags) for t in between):
            return None
        if any(self.has_number.search(t.text) for t in between if not _tag_in(t.tag_, self.cues.place_tags | self.cues.name_tags)):
            return None  # 每300户|划分一个网格的|原则: a clause with a figure of its own states a rule, no property
        phrase = np_after(doc, sent_start + de + 1, sent_start + len(sentence), cues=cues)
        return phrase or None

    def _household(self, doc: Doc, sentence: str, sent_start: int, qs: int, qe: int, cues: PhraseCues) -> str | None:
        """The household a count of its members (6口) counts, when no noun follows the count (3口|井 is
        no household): the noun phrase right before it when that ends in a household word (林某一家|6口,
        陈家|3口), else the household the article names nearest before the count, else the first one
        after it (a headline: 5口难挨); None when the article names none."""
        following = next((t for t in tokens_between(doc, sent_start + qe, sent_start + len(sentence)) if t.idx >= sent_start + qe and t.text.strip()), None)
        if following is not None and cues.is_nominal(following) and not following.tag_.startswith(("vn", "a")) and not cues.is_verbal(following):
            return None
        phrase = np_before(doc, sent_start + qs, sent_start + clause_start(sentence, qs, self.cues.clause_ends), cues=cues)
        if phrase and sentence.endswith(phrase, 0, qs) and phrase.endswith(self.cues.households):
            return phrase
        found = self._households(doc)
        before = [text for start, text in found if start < sent_start + qs]
        after = [text for start, text in found if start >= sent_start + qe]
        return before[-1] if before else after[0] if after else None

    def _households(self, doc: Doc) -> list[tuple[int, str]]:
        """(start, text) of the households the article names: a name followed by a household word
        (林某|一家, 王某某|全家), or a name that ends in one (陈家); read once per doc."""
        found = doc.user_data.get(_HOUSEHOLDS_KEY)
        if found is not None:
            return found
        found = []
        words = self.cues.households
        run: list = []  # the name tokens read so far
        for token in doc:
            text = token.text
            if run and text in words:
                start = run[0].idx
                found.append((start, doc_text(doc)[start : token.idx + len(text)]))
            if _tag_in(token.tag_, self.cues.name_tags):
                if len(text) > 1 and text.endswith(words) and not run:
                    found.append((token.idx, text))
                run.append(token)
            else:
                run = []
        doc.user_data[_HOUSEHOLDS_KEY] = found
        return found

    def _noun_right_before(self, doc: Doc, sentence: str, sent_start: int, qs: int, cues: PhraseCues, ents=None) -> bool:
        """True when a noun phrase ends right where the quantity starts (集体收入|5万元); a lead-in word
        (当中|17人, 其中|3人: the part of a whole named before) is none, nor (with `ents`) a place."""
        assert self.context is not None
        # past a copula between a property and its value (收入|高达|5万元; a name-tagged 高达 is no
        # noun); not past 有 (与B|仅有|50公分的距离: what 有 has comes after the quantity)
        head = self.context.strip_before(sentence[:qs])
        if head and sentence[len(head) : qs].strip().endswith(tuple(self.cues.copulas)):
            qs = len(head)
        phrase = np_before(doc, sent_start + qs, sent_start + clause_start(sentence, qs, self.cues.clause_ends), cues=cues)
        if phrase in self.cues.lead_in or phrase and sentence.endswith(phrase, 0, qs) and self._names_nothing(doc, sent_start + qs - len(phrase), phrase):
            return False
        if ents is not None and phrase and self._is_place(doc, sent_start + qs - len(phrase), phrase, ents):
            return False
        return bool(phrase) and sentence.endswith(phrase, 0, qs) and not self._is_bare_verb_phrase(doc, sent_start + qs - len(phrase), phrase, cues)

    def _is_bare_verb_phrase(self, doc: Doc, start: int, phrase: str, cues: PhraseCues) -> bool:
        """True when every word of the phrase at `start` is a verb (保持|2米以上的距离)."""
        tokens = [t for t in tokens_between(doc, start, start + len(phrase)) if t.text.strip()]
        return all(cues.is_verbal(t) for t in tokens)

    def _after_comparison_marker(self, doc: Doc, sent_start: int, clause_from: int, at: int, cues: PhraseCues) -> bool:
        """True when a comparison marker standing as a word of its own (比, 较) comes before `at` in
        the clause with no verb after it: what lies between is the base of a comparison."""
        assert self.context is not None
        tokens = [t for t in tokens_between(doc, sent_start + clause_from, sent_start + at) if t.idx >= sent_start + clause_from and t.idx < sent_start + at]
        for k in range(len(tokens) - 1, -1, -1):
            if tokens[k].text in self.context.markers:
                return not any(cues.is_verbal(t) for t in tokens[k + 1 :])
        return False

    def _own_phrase(
        self, doc: Doc, sentence: str, sent_start: int, start: int, phrase: str, tags: frozenset[str], *, base: bool = False, keep_cut: bool = False
    ) -> str:
        """The phrase found at or after `start` without the trailing words that cannot end what is
        counted (`tags`: adverbs, numerals, time words: 销量|一度, 显著|增至); empty when nothing is
        left, or when (with `base`) the phrase is the base of a comparison (比|一季度|提升). With
        `keep_cut`, a phrase of more than one word ending inside a word whose rest is a copula
        (`entity_cue` use = copula) is kept as it is: the piece is its head (就业不足率|为, where
        the tagger made one word of 率为); a piece before a qualifier or adverb (费|欠约) is not."""
        at = sentence.find(phrase, max(0, start))
        if at < 0:
            return phrase  # the reader trimmed it: trust it
        if base and self.context is not None and self.context.is_comparison_base(sentence, at):
            return ""
        end = at + len(phrase)
        tokens = [t for t in tokens_between(doc, sent_start + at, sent_start + end) if t.text.strip()]
        if tokens and tokens[-1].idx + len(tokens[-1].text) > sent_start + end:
            cut = tokens[-1]
            if keep_cut and cut.idx > sent_start + at and cut.text[sent_start + end - cut.idx :] in self.cues.copulas:
                return sentence[at:end]  # 不足率|为: the copula was stripped, the piece is the head
            end = max(at, tokens.pop().idx - sent_start)  # a piece of a word a cut went through (高|达): no word of the phrase
        while tokens and _tag_in(tokens[-1].tag_, tags):
            end = max(at, tokens.pop().idx - sent_start)
        return sentence[at:end] if end > at else ""

    def _subject(self, doc, sentence, sent_start, end, local, i, previous, cues, times, ents, kinds=None) -> tuple[str, str] | None:
        """The noun phrase of the nearest clause (the quantity's own first) that has one: the subject
        opening the clause, else the entity of the clause's last quantity (with `kinds`, the kinds of
        the sentence's quantities, not a count's for an amount of money: 连跨4个|台阶、突破7万亿元
        measures no 台阶); None when none does."""
        clause_to = end
        while True:
            clause_from = clause_start(sentence, clause_to, self.cues.clause_ends)
            inside = [k for k in range(i) if clause_from <= local[k][0] < clause_to and not (kinds and kinds[k] == "count" and kinds[i] in _MEASURE_KINDS)]
            if inside and previous[inside[-1]]:
                return previous[inside[-1]], "entity.clause_quantity"
            if clause_to != end and self._is_speech(sentence[clause_from:clause_to]):
                return None  # 王明介绍说: a speaker, and what came before is another topic
            topic = self._topic_clause(doc, sentence, sent_start, clause_from, clause_to, cues) if clause_to != end else None
            if topic:
                return topic, "entity.topic_clause"
            subject = self._clause_subject(doc, sentence, sent_start, clause_from, clause_to, cues, times, ents)
            if subject and self._names_nothing(doc, sent_start + sentence.find(subject, clause_from), subject):
                subject = None  # 天气冷了，|山上只有8度: a locative opening the clause is no subject
            if subject:
                return subject, "entity.subject"
            if clause_from == 0:
                return None
            clause_to = clause_from - 1

    def _topic_clause(self, doc, sentence, sent_start, start, limit, cues) -> str | None:
        """The head noun phrase of a clause that is only a noun phrase, a topic stated before the
        clauses about it (占比最大的|营业税, …): the phrase ending the clause when its last word
        is a noun (`topic_head_tag`) and only a modifier with 的 stands before it; else None."""
        while limit > start and sentence[limit - 1].isspace():
            limit -= 1
        tokens = _words(doc, sent_start + start, sent_start + limit)
        if not tokens or not _tag_in(tokens[-1].tag_, self.cues.topic_head_tags):
            return None
        phrase = np_before(doc, sent_start + limit, sent_start + start, cues=cues)
        if not phrase:
            return None
        at = limit - len(phrase)
        # the phrase must be the clause's last stretch after a 的 or the clause start: no predicate before it
        rest = sentence[start:at].strip()
        if rest and not rest.endswith("的"):
            return None  # a predicate, not a topic
        return phrase

    def _is_speech(self, clause: str) -> bool:
        """True when the clause introduces speech or a source (X表示, 报告显示, 据Y报道)."""
        clause = clause.rstrip("".join(self.cues.subject_skip))
        return any(clause.endswith(verb) for verb in self.cues.reporting)

    def _clause_subject(self, doc, sentence, sent_start, start, limit, cues, times, ents) -> str | None:
        """The noun phrase that opens sentence[start:limit] past times, places and lead-in words
        (在, 其中 …); None when the clause opens with a verb, a number or a comparison word."""
        assert self.context is not None
        pos = start
        spans = [(s, e) for s, e, _, _ in times] + [(e.start_char - sent_start, e.end_char - sent_start) for e in ents]
        while pos < limit:
            if sentence[pos].isspace() or sentence[pos] in self.cues.subject_skip:
                pos += 1
                continue
            span_end = next((e for s, e in spans if s == pos and e > pos), None)
            if span_end is not None:
                pos = span_end
                if sentence.startswith("的", pos) and pos < limit - 1:
                    pos += 1  # 半年的|辛劳, 去年的|收入: a time modifying the subject
                continue
            word = next((w for w in self.cues.lead_in if sentence.startswith(w, pos)), None)
            if word is None:
                # a time word the time rules do not know (一季度) is skipped like a time
                token = next((t for t in tokens_between(doc, sent_start + pos, sent_start + pos + 1) if t.idx == sent_start + pos), None)
                if token is None or not _tag_in(token.tag_, self.cues.subject_skip_tags):
                    break
                word = token.text
            pos += len(word)
        if pos >= limit or any(sentence.startswith(w, pos) for w in self.context.comparisons):
            return None
        first = next((t for t in tokens_between(doc, sent_start + pos, sent_start + pos + 1) if t.idx == sent_start + pos), None)
        opening = start
        while opening < limit and (sentence[opening].isspace() or sentence[opening] in self.cues.subject_skip):
            opening += 1
        if first is not None and pos == opening and (cues.is_verbal(first) or not _tag_in(first.tag_, self.cues.subject_tags)) and first.text not in cues.predicates and first.text not in self.context.markers:
            # 由此产生的|贸易逆差创下新高: a short relative clause opening the clause modifies its subject
            # (not after a frame or lead-in word, 在某地举行的…上; not a comparison, 与…相比)
            de = self._relative_de(sentence[pos:limit])
            if de is not None:
                phrase = np_after(doc, sent_start + pos + de + 1, sent_start + limit, cues=cues)
                if phrase and sentence.startswith(phrase, pos + de + 1):
                    phrase = self.context.strip_before(phrase)
                    return self._own_phrase(doc, sentence, sent_start, pos + de + 1, phrase, self.cues.not_head_tags) if phrase else None
        if first is None or cues.is_verbal(first) or not _tag_in(first.tag_, self.cues.subject_tags):
            return None
        phrase = np_after(doc, sent_start + pos, sent_start + limit, cues=cues)
        while phrase and sentence.startswith("的", pos + len(phrase)):
            pos += len(phrase) + 1  # 养老院|的|床位再多…: a possessor or modifier; the subject is its head
            phrase = np_after(doc, sent_start + pos, sent_start + limit, cues=cues)
        phrase = self.context.strip_before(phrase)  # 外贸出口|同比
        return self._own_phrase(doc, sentence, sent_start, pos, phrase, self.cues.not_head_tags) if phrase else None

    def _share_subject(self, doc: Doc, sentence: str, sent_start: int, qs: int, cues: PhraseCues) -> str | None:
        """The subject A of a share in the quantity's clause (A占B的X%); "" when the share word opens
        the clause with nothing before it but function words (…，|占B的X%: A is an earlier clause's);
        None when the clause has no share word."""
        assert self.context is not None
        clause_from = clause_start(sentence, qs, self.cues.clause_ends)
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
            found = np_before(doc, sent_start + len(head), sent_start + clause_from, cues=cues)
            if found:
                return found
            before = _words(doc, sent_start + clause_from, start)
            return "" if all(cues.is_function(t) for t in before) else None
        return None

    def _share_noun_before(self, sentence: str, qs: int) -> str | None:
        """The share noun (`share_noun` cues: 比重, 比例) the quantity's clause names between its share
        word and the quantity (A占B的比重|达到|48%, A占B比重|一直处于|40%); None when it names none."""
        assert self.context is not None
        clause_from = clause_start(sentence, qs, self.cues.clause_ends)
        window = sentence[clause_from:qs]
        at = max((window.rfind(cue) for cue in self.context.shares), default=-1)
        return next((word for word in self.cues.share_nouns if at >= 0 and word in window[at:]), None)

    def _respectively(self, doc, sentence, sent_start, local, i, cues) -> str | None:
        assert self.context is not None
        ctx = self.context
        qs = local[i][0]
        clause_from = clause_start(sentence, qs, self.cues.list_ends)
        window = sentence[clause_from:qs]
        for cue in ctx.respectively:
            at = window.rfind(cue)
            if at < 0:
                continue
            cue_pos = clause_from + at
            members = [k for k, (s, e) in enumerate(local) if cue_pos < s]
            chains: list[list[int]] = []
            for k in members:
                if chains and _joined_by_list(sentence, local[chains[-1][-1]][1], local[k][0], ctx):
                    chains[-1].append(k)
                else:
                    chains.append([k])
            # the values after 分别, and a later list of as many values in the same stretch
            # (分别增加1.5倍及1.2倍,达52亿元及37亿元): item by item too
            chain = next((c for c in chains if i in c), [])
            if not chains or not (chain is chains[0] or len(chain) == len(chains[0]) > 1):
                return None
            head = ctx.strip_before(sentence[:cue_pos])
            phrase = np_before_list(doc, sent_start + len(head), sent_start + clause_start(sentence, cue_pos, self.cues.clause_ends), self.cues)
            items = list_items(phrase, ctx.list_separators) if phrase else []
            if len(items) != len(chain) and len(chain) > 1:
                # 包括薪俸税、物业税…，收入分别为…: the list is earlier in the sentence; with more
                # items than values, an item holds a weaker separator (烟草及酒类制造业): split on 、 only
                earlier = parallel_lists(doc, sent_start, sent_start + cue_pos, frozenset(ctx.list_separators), cues)
                candidates = [items, *reversed(earlier)]
                candidates += [self._merge_weak(sentence, found, len(chain)) for found in candidates]
                items = next((found for found in candidates if len(found) == len(chain)), items)
            if len(items) == len(chain):
                items = self._without_shared_head(doc, sent_start, sentence, items)
                return items[chain.index(i)]
            return phrase or None
        return None

    def _without_shared_head(self, doc: Doc, sent_start: int, sentence: str, items: list[str]) -> list[str]:
        """The items of a list whose last item carries the head they share (关税、印花税|收入:
        each is a 收入): the last is cut at the first word end that makes it as long as the first item."""
        assert self.context is not None
        if len(items) < 2 or any(sep in items[-1] for sep in self.context.list_separators):
            return items  # 烟草|及|酒类制造业: items merged on a weaker separator are left whole
        first_at = sentence.find(items[0])
        last_at = sentence.rfind(items[-1])
        if first_at < 0 or last_at < 0:
            return items
        words = lambda at, text: [t for t in tokens_between(doc, sent_start + at, sent_start + at + len(text)) if t.text.strip()]  # noqa: E731
        first, last = words(first_at, items[0]), words(last_at, items[-1])
        if not first or len(last) < 2 or last[0].idx != sent_start + last_at:
            return items
        size = len(items[0])
        for k in range(1, len(last)):
            cut = last[k].idx - (sent_start + last_at)
            if cut >= size:
                return [*items[:-1], items[-1][:cut]]
        return items

    def _merge_weak(self, sentence: str, items: list[str], n: int) -> list[str]:
        """A list of more items than `n` values with the items joined by a weak separator (及, 和)
        merged, when the primary separators (、) leave exactly `n`: 食品业、烟草|及|酒类制造业."""
        if len(items) <= n or not self.cues.primary_list:
            return items
        spans: list[tuple[int, int]] = []
        pos = 0
        for item in items:
            at = sentence.find(item, pos)
            if at < 0:
                return items
            spans.append((at, at + len(item)))
            pos = at + len(item)
        primary = [sentence[spans[k][1] : spans[k + 1][0]] in self.cues.primary_list for k in range(len(spans) - 1)]
        if primary.count(True) != n - 1:
            return items
        merged = [spans[0]]
        for k, is_primary in enumerate(primary):
            if is_primary:
                merged.append(spans[k + 1])
            else:
                merged[-1] = (merged[-1][0], spans[k + 1][1])
        return [sentence[a:b] for a, b in merged]


@dataclass(frozen=True, slots=True)
class EntityCues:
    """The cue classes of `rules/context.toml` that the entity cascade reads (see `entity_cue.use`)."""

    subject_tags: frozenset[str] = frozenset()
    not_head_tags: frozenset[str] = frozenset()
    after_not_head_tags: frozenset[str] = frozenset()
    lead_in: tuple[str, ...] = ()
    subject_skip: frozenset[str] = frozenset()
    subject_skip_tags: frozenset[str] = frozenset()
    reporting: tuple[str, ...] = ()
    topic_head_tags: frozenset[str] = frozenset()
    #: the verbs joining a subject to its value (为, 达): the rest of a word a cut left a head in
    copulas: frozenset[str] = frozenset()
    #: the separators of a list's items that never join words inside an item (、)
    primary_list: list[str] = field(default_factory=list)
    #: clause punctuation (a noun phrase never spans it), and the punctuation that ends a 分别 list
    clause_ends: regex.Pattern[str] = regex.compile(r"(?!)")
    list_ends: regex.Pattern[str] = regex.compile(r"(?!)")
    #: punctuation or the end right after a quantity (not an opening bracket): nothing counted follows
    punct_after: regex.Pattern[str] = regex.compile(r"(?!)")
    #: words right after a quantity that are not what it counts (左右)
    not_after: tuple[str, ...] = ()
    #: a preposition (with up to four characters before it) opening a 分别 list: 全力|把|…
    governing: regex.Pattern[str] = regex.compile(r"(?!)")
    #: jieba tags of place words; the list marker of a heading line (一、), punctuation a heading
    #: never holds, how long a heading may be and how many list lines it may head
    place_tags: frozenset[str] = frozenset()
    heading_marker: regex.Pattern[str] = regex.compile(r"(?!)")
    heading_stop: regex.Pattern[str] = regex.compile(r"(?!)")
    heading_length: int = 20
    #: counters that are nouns and name what they count (班次) when the clause names nothing else
    unit_nouns: frozenset[str] = frozenset()
    #: counters of persons (人) that are what is counted when the quantity is a predicate's subject
    subject_counters: frozenset[str] = frozenset()
    #: jieba tags of a word that, right after such a counter, is its predicate (危殆, 情况严重)
    predicate_tags: frozenset[str] = frozenset()
    #: nouns a person counter modifies (5人小组, 4人房): the count is of them, not a subject
    person_groups: tuple[str, ...] = ()
    heading_reach: int = 8
    #: counters of a household's members (口), the words that end a household's name (一家, 家), and
    #: the jieba tags of a person's name (nr*, nw)
    #: jieba tags of a short clause between an age and 的 besides verbs (行动不便/l, 危殆/a)
    clause_tags: tuple[str, ...] = ()
    #: words right after a share that name where it comes from (来自, 由)
    sources: tuple[str, ...] = ()
    #: a ranking by a figure: the word before the figure (以) and the rank words after it (排名, 位居)
    rank_by: tuple[str, ...] = ()
    ranks: tuple[str, ...] = ()
    #: words before an age that make it the age of the sentence's subject (享年, 终年)
    age_predicates: tuple[str, ...] = ()
    household_counters: frozenset[str] = frozenset()
    households: tuple[str, ...] = ()
    name_tags: frozenset[str] = frozenset()
    #: nouns that end the name of an amount of money (收入, 费): a bare 120亿 they measure is money
    money_nouns: tuple[str, ...] = ()
    #: plural pronouns (我们, 他们) and the person counters (人, 个) of a count they stand right before
    group_pronouns: tuple[str, ...] = ()
    age_pronouns: tuple[str, ...] = ()
    #: verbs that name an amount of money they take (创收, 筹款); any other bare verb before one names none
    money_verbs: frozenset[str] = frozenset()
    #: jieba tags of words that alone name nothing counted (s 山上, m 一个, a 严重)
    empty_tags: frozenset[str] = frozenset()
    #: words of a speaker speaking of themself (我, 自己)
    first_person: frozenset[str] = frozenset()
    #: words that open a total of amounts stated before it (共, 合计)
    totals: frozenset[str] = frozenset()
    #: jieba tags of adjectives (严重), which after a share and before a verb describe the predicate
    adjective_tags: frozenset[str] = frozenset()
    group_counters: frozenset[str] = frozenset()
    #: words opening the parts of a whole counted before (当中, 其中, 余下): a person count after one
    #: counts what the whole's count counts
    parts_of_whole: tuple[str, ...] = ()
    #: counters of persons (名, 位, 人): the whole a person part is taken from is counted with one
    person_counters: frozenset[str] = frozenset()
    #: brackets whose figure alone, right after a place, restates that place's value (（)
    place_brackets: frozenset[str] = frozenset()
    #: nouns naming a share (比重, 比例) that a share's value measures when they follow its share word
    share_nouns: tuple[str, ...] = ()
    #: words closing a frame 在…基础上 after a quantity (基础上): the base a clause's subject grows on
    base_frames: tuple[str, ...] = ()

    @classmethod
    def from_rules(cls, rules: RuleSet) -> EntityCues:
        """The cue classes of a rule set."""
        found: dict[str, list[str]] = {}
        for rule in rules.section("entity_cue"):
            found.setdefault(rule.get("use"), []).extend(rule.get("surface"))
        longest = lambda words: tuple(sorted(set(words), key=len, reverse=True))  # noqa: E731
        return cls(
            subject_tags=frozenset(found.get("subject_tag", [])),
            not_head_tags=frozenset(found.get("not_head_tag", [])),
            after_not_head_tags=frozenset(found.get("after_not_head_tag", [])),
            lead_in=longest(found.get("lead_in", [])),
            subject_skip=frozenset(found.get("subject_skip", [])),
            subject_skip_tags=frozenset(found.get("subject_skip_tag", [])),
            reporting=longest(found.get("reporting", [])),
            topic_head_tags=frozenset(found.get("topic_head_tag", [])),
            copulas=frozenset(found.get("copula", [])),
            primary_list=list(longest(found.get("primary_list", []))),
            clause_ends=_char_class(found.get("clause_end", [])),
            list_ends=_char_class(found.get("list_end", [])),
            punct_after=regex.compile(r"^(?:(?!" + _alternatives(found.get("opening_bracket", [])) + r")[\p{P}\s]|$)"),
            not_after=longest(found.get("not_after", [])),
            governing=regex.compile(r"^(?:[\p{Han}]{0,4}?" + _alternatives(found.get("governing", [])) + ")"),
            place_tags=frozenset(found.get("place_tag", [])),
            heading_marker=regex.compile("^(?:" + _alternatives(found.get("heading_marker", [])) + r"|\s)+"),
            heading_stop=_char_class(found.get("heading_stop", [])),
            unit_nouns=frozenset(found.get("unit_noun", [])),
            subject_counters=frozenset(found.get("subject_counter", [])),
            money_nouns=longest(found.get("money_noun", [])),
            predicate_tags=frozenset(found.get("predicate_tag", [])),
            person_groups=longest(found.get("person_group", [])),
            age_predicates=longest(found.get("age_predicate", [])),
            clause_tags=tuple(found.get("age_clause_tag", [])),
            sources=longest(found.get("source", [])),
            rank_by=longest(found.get("rank_by", [])),
            ranks=longest(found.get("rank", [])),
            household_counters=frozenset(found.get("household_counter", [])),
            households=longest(found.get("household", [])),
            name_tags=frozenset(found.get("name_tag", [])),
            group_pronouns=longest(found.get("group_pronoun", [])),
            age_pronouns=longest(found.get("age_pronoun", [])),
            group_counters=frozenset(found.get("group_counter", [])),
            money_verbs=frozenset(found.get("money_verb", [])),
            empty_tags=frozenset(found.get("empty_tag", [])),
            first_person=frozenset(found.get("first_person", [])),
            totals=frozenset(found.get("total", [])),
            adjective_tags=frozenset(found.get("adjective_tag", [])),
            parts_of_whole=longest(found.get("part_of_whole", [])),
            person_counters=frozenset(found.get("person_counter", [])),
            base_frames=longest(found.get("base_frame", [])),
            share_nouns=longest(found.get("share_noun", [])),
            place_brackets=frozenset(found.get("place_bracket", [])),
        )


#: the branches whose choice a first-person speaker replaces: a phrase before the quantity, or a
#: subject or quantity of an earlier clause (a noun after the quantity, a list or a household stay)
_TABLE_RULES = ("entity.table_row", "entity.table_column")
_SPEAKER_MAY_REPLACE = frozenset({"", "entity.np_before", "entity.subject", "entity.clause_quantity", "entity.previous", "entity.topic_clause"})


def _alternatives(words: list[str]) -> str:
    """A regex group matching any of the words (longest first), or nothing when there are none."""
    if not words:
        return "(?!)"
    return "(?:" + "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True)) + ")"


def _char_class(chars: list[str]) -> regex.Pattern[str]:
    """A regex of any one of the characters (never matching when there are none)."""
    return regex.compile(_alternatives(chars))


def _tag_in(tag: str, tags: frozenset[str]) -> bool:
    """True when a jieba tag is in a tag class: listed, or under a listed prefix written `n*`.

    >>> _tag_in("nw", frozenset({"n*", "vn"})), _tag_in("v", frozenset({"n*", "vn"}))
    (True, False)
    """
    return tag in tags or any(t.endswith("*") and tag.startswith(t[:-1]) for t in tags)


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


def _words(doc: Doc, start: int, end: int) -> list[Token]:
    """The tokens that start at or after character `start` and before `end`, blanks left out."""
    return [t for t in tokens_between(doc, start, end) if t.idx >= start and t.text.strip()]


def _is_list_separator(doc: Doc, at: int, separator: str) -> bool:
    """True when the separator at `at` is a token of its own tagged as a conjunction or mark."""
    token = next((t for t in tokens_between(doc, at, at + 1) if t.idx == at), None)
    return token is not None and token.text == separator and token.tag_ in ("c", "x")


def np_before_list(doc: Doc, end: int, floor: int, cues: EntityCues) -> str:
    """The noun phrase before 分别, keeping list separators (单位党组织、党员)."""
    text = doc_text(doc)[floor:end]
    # take the maximal run without clause punctuation other than list separators
    cut = max((m.start() for m in cues.clause_ends.finditer(text)), default=-1)
    phrase = text[cut + 1 :] if cut >= 0 else text
    phrase = phrase[phrase.rfind("的") + 1 :]  # 到社区报到服务的|单位党组织、党员
    phrase = cues.governing.sub("", phrase)  # 全力|把|…: the object of a preposition
    return phrase.strip()


def _age_holder(doc: Doc, start: int, limit: int) -> str | None:
    """The person an age is attached to: a name after 的 if there is one, else the noun."""
    tokens = [t for t in tokens_between(doc, start, limit) if start <= t.idx]
    if len(tokens) > 2 and regex.match(r"^\d+$", tokens[0].text) and tokens[1].tag_.startswith(("q", "m")):
        start, tokens = tokens[2].idx, tokens[2:]  # 1岁的|5名|子女: a count of the holders comes first
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
    """True when only a list separator (、, 和 …) lies between two quantities."""
    return sentence[prev_end:start] in ctx.list_separators


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
