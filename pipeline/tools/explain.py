"""Explain one short text: what cleaning kept, how jieba split and tagged it, which entities and
claims the pipeline found, and which rule (file and line) produced each field of each claim.

The model is Duckling's `Debug`: a rule author sees the named rules behind a result. `explain`
returns data; `format_explanation`, `explanation_to_json` and `render_html` present it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..claim import COMPARABLE_FIELDS, GOLD_FIELDS, Claim, format_decimal
from ..extraction.candidates import CANDIDATE_BRANCHES
from ..extraction.extract import ENTITY_BRANCHES
from ..rules import Rule, RuleSet

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: The claim field that a rule of each section decides (see rules/README.md).
SECTION_FIELD: dict[str, str] = {
    "unit": "unit",
    "counter_tag": "unit",
    "currency_prefix": "unit",
    "bare_number": "unit",
    "numeral": "value",
    "multiplier": "value",
    "qualifier": "qualifier",
    "range": "high",
    "role": "role",
    "time": "time",
    "entity": "where",
    "entity_cue": "entity",
}
#: Rule ids the pipeline uses without a rule file: id -> (field, why, module that decides it).
BUILTIN_IDS: dict[str, tuple[str, str, str]] = {
    "count.bare_multiplier": ("unit", "a multiplier without a counter word (20万): unit ''", "pipeline/extraction/quantities.py"),
    "numeral.paired": ("high", "two neighbouring digits for an estimate (五六千): value and high", "pipeline/extraction/quantities.py"),
    **{rule_id: ("entity", why, "pipeline/extraction/extract.py") for rule_id, why in ENTITY_BRANCHES.items()},
    **{rule_id: ("entity", why, "pipeline/extraction/candidates.py") for rule_id, why in CANDIDATE_BRANCHES.items()},
}
#: displaCy colours of claim kinds and entity labels.
COLORS: dict[str, str] = {
    "count": "#7aecec",
    "money": "#bfeeb7",
    "percent": "#feca74",
    "area": "#c887fb",
    "length": "#9cc9cc",
    "weight": "#ffeb80",
    "age": "#ff9561",
    "other": "#e4e7d2",
    "GPE": "#aa9cfc",
    "ORG": "#f0d0ff",
}


@dataclass(frozen=True, slots=True)
class RuleRef:
    """A rule behind a result: its id, section, the claim field it decides, and where it is written."""

    id: str
    section: str
    field: str
    where: str


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """One token: text, jieba's part-of-speech tag (token.tag_), character offsets."""

    text: str
    tag: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class EntityInfo:
    """One entity of doc.ents with the id of the `[[entity]]` rule that found it."""

    text: str
    label: str
    start: int
    end: int
    rule: str


@dataclass(frozen=True, slots=True)
class Excluded:
    """A number that an `[[exclusion]]` rule took out: the number, the text the rule matched, the rule."""

    number: str
    matched: str
    start: int
    rule: RuleRef


@dataclass(frozen=True, slots=True)
class DroppedLine:
    """A line the cleaning stages dropped, the boilerplate rule that matches it (None: no rule), and why it went."""

    line: str
    rule: RuleRef | None
    why: str = ""


@dataclass(slots=True)
class ClaimExplanation:
    """One claim and the rules that produced it, in the order they fired."""

    claim: Claim
    rules: list[RuleRef]


@dataclass(slots=True)
class Explanation:
    """Everything `explain` found for one text; `doc` is the processed spaCy Doc."""

    text: str
    clean: str
    dropped: list[DroppedLine]
    tokens: list[TokenInfo]
    entities: list[EntityInfo]
    claims: list[ClaimExplanation]
    excluded: list[Excluded]
    doc: Doc | None = field(default=None, repr=False)


def explain(
    text: str, nlp: Language, rules: RuleSet, *, fmt: str = "txt", from_clean: bool = False, default_date: str | None = None
) -> Explanation:
    """Run cleaning (unless `from_clean`) and extraction on `text`; return what each stage did and why.

    The claims carry the article's date (its dateline, else `default_date`) and region, their periods and currencies.
    """
    from ..run import analyse, process_text

    cleaned = process_text(text, rules, None, fmt=fmt, from_clean=from_clean)
    clean, dropped_lines, reasons = cleaned.text, cleaned.dropped, cleaned.why
    index = _rule_index(rules)
    doc = analyse(clean, nlp)
    from ..extraction.periods import annotate_claims, article_info

    info = article_info(clean, dropped=dropped_lines, default_date=default_date, traditional=cleaned.traditional, rules=rules)
    found = doc._.claims  # read back from the Doc's data at each access: annotate one list and keep it
    annotate_claims(found, clean, info, rules=rules)
    tokens = [TokenInfo(t.text, t.tag_, t.idx, t.idx + len(t.text)) for t in doc]
    entities = [EntityInfo(e.text, e.label_, e.start_char, e.end_char, e.id_) for e in doc.ents]
    claims = [ClaimExplanation(c, _claim_rules(c, index)) for c in found]
    return Explanation(
        text=text,
        clean=clean,
        dropped=[
            DroppedLine(line, _boilerplate_rule(why, line, rules, index), why) for line, why in zip(dropped_lines, reasons)
        ],
        tokens=tokens,
        entities=entities,
        claims=claims,
        excluded=_excluded(clean, nlp, index),
        doc=doc,
    )


# ---------------------------------------------------------------------------------------------
# provenance


def _rule_index(rules: RuleSet) -> dict[str, list[Rule]]:
    index: dict[str, list[Rule]] = {}
    for rule in rules.all():
        index.setdefault(rule.id, []).append(rule)
    return index


def _display_path(path: str) -> str:
    """A rule file's path relative to the working directory when it lies below it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _ref(rule_id: str, index: dict[str, list[Rule]], sections: tuple[str, ...] = ()) -> RuleRef:
    candidates = [r for r in index.get(rule_id, []) if not sections or r.section in sections]
    if candidates:
        rule = candidates[0]
        return RuleRef(rule.id, rule.section, SECTION_FIELD.get(rule.section, ""), f"{_display_path(rule.path)}:{rule.line}")
    field_name, _why, module = BUILTIN_IDS.get(rule_id, ("", "", "pipeline/extraction/quantities.py"))
    return RuleRef(rule_id, "built-in", field_name, module)


def _claim_rules(claim: Claim, index: dict[str, list[Rule]]) -> list[RuleRef]:
    """The rules behind a claim's fields, from the ids in its `rule` (the where's entity rule too)."""
    return [_ref(rule_id, index, ("unit", "counter_tag", "currency_prefix", "bare_number", "numeral", "qualifier", "range", "role", "time", "entity", "entity_cue"))
            for rule_id in claim.rule.split("+") if rule_id]


def _boilerplate_rule(why: str, line: str, rules: RuleSet, index: dict[str, list[Rule]]) -> RuleRef | None:
    """The rule that dropped a line: the one its reason names, else the first that matches it."""
    from ..text.clean import match_line

    if why.startswith("rule "):
        return _ref(why.split()[1], index, ("boilerplate",))
    if why:
        return None  # a signal, a shape or the context dropped it, not a rule
    for position in ("any", "top", "bottom"):
        rule_id = match_line(line, rules, position=position)
        if rule_id is not None:
            return _ref(rule_id, index, ("boilerplate",))
    return None


def _excluded(clean: str, nlp: Language, index: dict[str, list[Rule]]) -> list[Excluded]:
    matcher = getattr(nlp.tokenizer, "matcher", None) or nlp.get_pipe("claims").matcher
    if matcher is None:
        return []
    spans = matcher.excluded_spans(clean)
    out: list[Excluded] = []
    for number in matcher.number_re.finditer(clean):
        chinese = not matcher.arabic.search(number.group())
        for start, end, rule in spans:
            if start < number.end() and number.start() < end:
                if rule.get("numerals") == "chinese" and not chinese:
                    continue
                out.append(Excluded(number.group(), clean[start:end], number.start(), _ref(rule.id, index, ("exclusion",))))
                break
    return out


# ---------------------------------------------------------------------------------------------
# presentation


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return format_decimal(value) or ""
    return str(value) if value != "" else "''"


def format_explanation(explanation: Explanation) -> str:
    """The explanation as plain text, one section after another."""
    e = explanation
    out: list[str] = []
    if e.text.strip() != e.clean.strip():
        out.append("input:")
        out.extend(f"  {line}" for line in e.text.splitlines())
    out.append("clean text:")
    out.extend(f"  {line}" for line in e.clean.splitlines() or ["(empty)"])
    if e.dropped:
        out.append("dropped lines:")
        for dropped in e.dropped:
            why = f"rule {dropped.rule.id} ({dropped.rule.where})" if dropped.rule else (dropped.why or "a repeat")
            if dropped.rule and dropped.why.endswith("(below it)"):
                why += ", below it"
            out.append(f"  {dropped.line}    <- {why}")
    out.append("tokens (text/tag):")
    out.append("  " + " ".join(f"{t.text.strip()}/{t.tag}" for t in e.tokens if t.text.strip()))
    out.append("entities:" if e.entities else "entities: none")
    for ent in e.entities:
        out.append(f"  {ent.text}  {ent.label}  [{ent.start}:{ent.end}]  rule {ent.rule}")
    if e.excluded:
        out.append("excluded numbers:")
        for ex in e.excluded:
            out.append(f"  {ex.number} in {ex.matched!r} [{ex.start}]  <- {ex.rule.id} ({ex.rule.where})")
    out.append(f"claims: {len(e.claims)}")
    for number, item in enumerate(e.claims, start=1):
        claim = item.claim
        by_field: dict[str, list[RuleRef]] = {}
        for ref in item.rules:
            by_field.setdefault(ref.field, []).append(ref)
        out.append(f"  {number}. {claim.quantity}  [{claim.start}:{claim.end}]")
        for name in GOLD_FIELDS:
            if name in ("quantity", "start", "end"):
                continue
            refs = by_field.get(name, [])
            why = "  <- " + ", ".join(f"{r.id} ({r.where})" for r in refs) if refs else ""
            out.append(f"     {name:<10}{_show(getattr(claim, name))}{why}")
        out.append(f"     {'rule':<10}{claim.rule}")
        period = f"{claim.period_start or '…'} – {claim.period_end or '…'}" if claim.period_start or claim.period_end else "null"
        out.append(f"     {'period':<10}{period}  (article {claim.article_date or 'undated'}, {claim.region or 'region unknown'})")
        if claim.kind == "money":
            out.append(f"     {'currency':<10}{_show(claim.currency)}")
    return "\n".join(out)


def explanation_to_dict(explanation: Explanation) -> dict[str, Any]:
    """The explanation as plain data (Decimal values kept exact), for `--json`."""
    e = explanation

    def ref(r: RuleRef | None) -> dict[str, str] | None:
        return None if r is None else {"id": r.id, "section": r.section, "field": r.field, "where": r.where}

    return {
        "text": e.text,
        "clean": e.clean,
        "dropped": [{"line": d.line, "rule": ref(d.rule), "why": d.why} for d in e.dropped],
        "tokens": [{"text": t.text, "tag": t.tag, "start": t.start, "end": t.end} for t in e.tokens],
        "entities": [{"text": x.text, "label": x.label, "start": x.start, "end": x.end, "rule": x.rule} for x in e.entities],
        "excluded": [{"number": x.number, "matched": x.matched, "start": x.start, "rule": ref(x.rule)} for x in e.excluded],
        "claims": [
            {
                **{name: getattr(c.claim, name) for name in (*GOLD_FIELDS, "rule", *COMPARABLE_FIELDS)},
                "rules": [ref(r) for r in c.rules],
            }
            for c in e.claims
        ],
    }


def explanation_to_json(explanation: Explanation) -> str:
    """The explanation as one JSON object; numbers are written exactly, never through float."""
    return dumps_exact(explanation_to_dict(explanation))


def dumps_exact(data: Any) -> str:
    """JSON with Decimal values written as plain numbers.

    >>> dumps_exact({"value": Decimal("1.216E+6"), "high": None, "unit": "元"})
    '{"value": 1216000, "high": null, "unit": "元"}'
    """
    marker = "\ue000"  # a private-use character: json leaves it as it is (control characters it escapes)

    def encode(value: Any) -> str:
        if isinstance(value, Decimal):
            return f"{marker}{format_decimal(value)}{marker}"
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")

    text = json.dumps(data, ensure_ascii=False, default=encode)
    return text.replace(f'"{marker}', "").replace(f'{marker}"', "")


# Like displaCy's entity template, on one line (a line break would put a space into Chinese text),
# with the rule ids and a tooltip of the claim's fields on every mark.
_TEMPLATE = (
    '<mark class="entity" data-label="{label}" data-rule="{rule}" title="{tip}" style="background: {bg}; '
    'padding: 0.3em 0.4em; margin: 0 0.15em; line-height: 1; border-radius: 0.35em;">{text}'
    '<span style="font-size: 0.7em; font-weight: bold; line-height: 1; border-radius: 0.35em; '
    'vertical-align: middle; margin-left: 0.3rem">{label}{kb_link}</span></mark>'
)


def render_html(explanation: Explanation, *, title: str = "") -> str:
    """A self-contained displaCy page of the clean text: claims marked by kind, entities by label."""
    from html import escape

    from spacy import displacy

    marks: list[dict[str, Any]] = []
    for item in explanation.claims:
        c = item.claim
        value = _show(c.value) + (f"–{_show(c.high)}" if c.high is not None else "")
        tip = "; ".join(
            [f"{value} {c.unit}", f"entity {_show(c.entity)}", f"qualifier {_show(c.qualifier)}", f"role {_show(c.role)}",
             f"where {_show(c.where)}", f"time {_show(c.time)}", f"rules {c.rule}"]
        )
        marks.append({"start": c.start, "end": c.end, "label": c.kind, "params": {"rule": escape(c.rule), "tip": escape(tip)}})
    taken = [(m["start"], m["end"]) for m in marks]
    for ent in explanation.entities:
        if any(s < ent.end and ent.start < e for s, e in taken):
            continue  # displaCy's entity style cannot overlap marks; the claim wins
        marks.append({"start": ent.start, "end": ent.end, "label": ent.label,
                      "params": {"rule": escape(ent.rule), "tip": escape(f"{ent.label} {ent.rule}")}})
    marks.sort(key=lambda m: m["start"])
    data = {"text": explanation.clean, "ents": marks, "title": title or None, "settings": {"lang": "zh"}}
    page = displacy.render(data, style="ent", manual=True, page=True, options={"colors": COLORS, "template": _TEMPLATE})
    return page.replace("<title>displaCy</title>", f"<title>zhclaims explain{': ' + escape(title) if title else ''}</title>", 1)
