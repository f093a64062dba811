"""Run every extraction rule's examples and counter-examples (Duckling-style corpus checks).

An example's text is converted to simplified characters and run through the extraction
pipeline; the claim at the example's `quantity` must be the only claim overlapping it, match it
whole, and carry every field the example states (a unit rule's own unit and kind are expected
when the example does not say). A counter-example must give no claim at all. An example with
`xfail = "reason"` is one the pipeline should pass but does not yet: it is reported, and it is a
failure when it passes (strict xfail), so the mark is removed as soon as it is fixed.

Cleaning rules are checked on their own examples: a `[[boilerplate]]` rule's `drop` lines must be
dropped and its `keep` lines kept at every position, an `[[inline_junk]]` or `[[t2s_fix]]`
example's `text` must become its `clean`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..claim import Claim
from ..rules import PatternTimeout, Rule, RuleSet

if TYPE_CHECKING:
    from spacy.language import Language

#: Rule sections whose examples are claims (the cleaning sections are checked by their own tests).
EXTRACTION_SECTIONS = (
    "numeral",
    "multiplier",
    "unit",
    "counter_tag",
    "noun_count",
    "qualifier",
    "range",
    "currency_prefix",
    "exclusion",
    "bare_number",
    "time",
    "role",
    "entity",
    "entity_cue",
    "punctuation",
    "tag_class",
)
#: Rule sections of periods.toml, whose examples give an article's date, a period, a region or a currency.
COMPARABLE_SECTIONS = ("period", "dateline", "region", "currency")
#: Rule sections whose examples are lines of an article before cleaning.
CLEANING_SECTIONS = ("boilerplate", "inline_junk", "t2s_fix", "t2s_keep", "t2s_particle")
#: Rule sections of `zhclaims compare`: an example's `text` (an entity, a where or a time) must become its `clean`.
COMPARE_SECTIONS = ("compare",)
_FIELDS = ("value", "high", "unit", "kind", "qualifier", "entity", "role", "where", "time")


@dataclass(slots=True)
class Failure:
    """One example that did not give what its rule says."""

    rule: Rule
    text: str
    problem: str

    def __str__(self) -> str:
        return f"{self.rule.where}: rule '{self.rule.id}': {self.text!r}: {self.problem}"


@dataclass(slots=True)
class CheckReport:
    """Counts and failures of a rules check."""

    files: int = 0
    rules: int = 0
    examples: int = 0
    passed: int = 0
    xfailed: int = 0
    failures: list[Failure] = field(default_factory=list)


def _expected(rule: Rule, example: dict[str, Any]) -> dict[str, Any]:
    expected = {k: example[k] for k in _FIELDS if k in example}
    if rule.section == "unit":
        expected.setdefault("unit", rule.get("unit"))
        expected.setdefault("kind", rule.get("kind"))
    return expected


#: Fields whose "" in an example means "no value" (TOML has no null; the unit's "" is a real value):
#: `high = ""` is "not a range".
_NULLABLE = ("high", "qualifier", "entity", "where", "time", "role")


def _same(field_name: str, got: Any, want: Any) -> bool:
    if field_name in _NULLABLE and want == "":
        return got is None
    if field_name in ("value", "high"):
        return got is not None and Decimal(str(got)) == Decimal(str(want))
    return got == want


def check_example(rule: Rule, example: dict[str, Any], claims: list[Claim], text: str) -> str | None:
    """Compare the claims of an example's text with the example; return the problem or None."""
    quantity = example.get("quantity")
    if quantity is None:
        return None if claims else "gave no claim"
    start = text.find(quantity)
    if start < 0:
        return f"quantity {quantity!r} does not occur in the converted text {text!r}"
    end = start + len(quantity)
    overlapping = [c for c in claims if c.start < end and start < c.end]
    if len(overlapping) != 1:
        found = ", ".join(repr(c.quantity) for c in overlapping) or "nothing"
        return f"expected one claim {quantity!r}, got {found}"
    claim = overlapping[0]
    if claim.quantity != quantity:
        return f"expected quantity {quantity!r}, got {claim.quantity!r}"
    for name, want in _expected(rule, example).items():
        got = getattr(claim, name)
        if not _same(name, got, want):
            return f"{name}: expected {want!r}, got {got!r}"
    return None


def run_rule_examples(rule: Rule, nlp: Language, rules: RuleSet) -> tuple[int, int, list[Failure]]:
    """Run one rule's examples and counter-examples; return (examples run, expected failures, failures)."""
    from ..text.convert import to_simplified

    failures: list[Failure] = []
    count = xfailed = 0
    for example in rule.get("examples", []):
        count += 1
        text = to_simplified(example["text"], rules)
        try:
            claims = nlp(text)._.claims
        except PatternTimeout as exc:
            failures.append(Failure(rule, example["text"], str(exc)))
            continue
        problem = check_example(rule, example, claims, text)
        if example.get("xfail"):
            if problem:
                xfailed += 1
            else:
                failures.append(Failure(rule, example["text"], f"passes now: remove xfail ({example['xfail']})"))
        elif problem:
            failures.append(Failure(rule, example["text"], problem))
    if rule.section in EXTRACTION_SECTIONS:
        for counter in rule.get("counterexamples", []):
            count += 1
            text = to_simplified(counter, rules)
            try:
                claims = nlp(text)._.claims
            except PatternTimeout as exc:
                failures.append(Failure(rule, counter, str(exc)))
                continue
            if claims:
                got = ", ".join(repr(c.quantity) for c in claims)
                failures.append(Failure(rule, counter, f"counter-example gave {got}"))
    return count, xfailed, failures


def run_cleaning_examples(rule: Rule, rules: RuleSet) -> tuple[int, list[Failure]]:
    """Run one cleaning rule's examples (drop/keep lines, text -> clean); return (examples run, failures)."""
    from ..text.clean import match_line, remove_inline_junk
    from ..text.convert import to_simplified

    failures: list[Failure] = []
    count = 0
    try:
        if rule.section == "boilerplate":
            position = {"tail": "bottom"}.get(rule.get("position", "any"), rule.get("position", "any"))
            for line in rule.get("drop", []):
                count += 1
                if match_line(line, rules, position=position) is None:
                    failures.append(Failure(rule, line, f"not dropped (position {position})"))
            for line in rule.get("keep", []):
                count += 1
                for where in ("any", "top", "bottom"):
                    by = match_line(line, rules, position=where)
                    if by is not None:
                        failures.append(Failure(rule, line, f"a keep line, dropped by rule '{by}' at position {where}"))
                        break
        else:
            clean = remove_inline_junk if rule.section == "inline_junk" else to_simplified
            for example in rule.get("examples", []):
                count += 1
                got = clean(example["text"], rules)
                if "clean" not in example:
                    failures.append(Failure(rule, example["text"], "example without 'clean' (the text it must become)"))
                elif got != example["clean"]:
                    failures.append(Failure(rule, example["text"], f"expected {example['clean']!r}, got {got!r}"))
    except PatternTimeout as exc:
        failures.append(Failure(rule, "", str(exc)))
    return count, failures


def run_compare_examples(rule: Rule, rules: RuleSet) -> tuple[int, list[Failure]]:
    """Run one `[[compare]]` rule's examples with all the compare rules; return (examples run, failures)."""
    from .compare import CompareRules

    compare = CompareRules.from_rules(rules)
    use = rule.get("use")
    failures: list[Failure] = []
    for example in rule.get("examples", []):
        text = example["text"]
        if use in ("deictic_where", "implicit_where", "place_synonym"):
            place = compare.place(text, None, None)
            got = place[1] if place else ""
        elif use in ("attributive_branch", "record_verb"):
            quantity = example.get("quantity", "")
            got = quantity if compare.states_measure(text, quantity, "+".join(compare.attributive)) else ""
        elif use in ("now", "absolute_time"):
            period = compare.period(text, "DATE")
            got = "" if period is None else "@".join(part for part in period if part)
        else:
            got = compare.entity(text) or ""
        if "clean" not in example:
            failures.append(Failure(rule, text, "example without 'clean' (what the text must become)"))
        elif got != example["clean"]:
            failures.append(Failure(rule, text, f"expected {example['clean']!r}, got {got!r}"))
    return len(rule.get("examples", [])), failures


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def _comparable_problem(rule: Rule, example: dict[str, Any], nlp: Language, rules: RuleSet) -> str | None:
    """Run one example of a periods.toml rule; return the problem or None."""
    from datetime import date

    from ..extraction import periods
    from ..text.convert import to_simplified

    if rule.section == "period":
        ref = date.fromisoformat(example["date"]) if example.get("date") else None
        region = example.get("region", "mainland")
        text = to_simplified(example["text"], rules) if example.get("text") else ""
        refers = periods.refers_back(example["time"], region, rules)
        anchor = (
            periods.sentence_anchor(
                text, example["time"], ref, region=region, rules=rules, forward=refers == "period", not_now=refers not in (None, "period")
            )
            if text else None
        )
        period = periods.resolve_period(example["time"], ref, region=region, anchor=anchor, rules=rules)
        got = (_iso(period.start), _iso(period.end)) if period else ("", "")
        want = (example.get("start", got[0]), example.get("end", got[1]))
        return None if got == want else f"expected period {want}, got {got}"
    if rule.section == "dateline":
        text = to_simplified(example["text"], rules)
        ref = date.fromisoformat(example["reference"]) if example.get("reference") else None
        if rule.get("scope") == "dropped":
            found, by = periods.find_dateline("", dropped=[text], reference=ref, rules=rules)
        else:
            found, by = periods.find_dateline(text, reference=ref, rules=rules)
        want = example.get("date", "")
        if _iso(found) != want:
            return f"expected date {want!r}, got {_iso(found)!r} (rule {by or 'none'})"
        if want and by != rule.id:
            return f"the date came from rule {by!r}, not this one"
        return None
    if rule.section == "region":
        simplified = to_simplified(example["text"], rules)
        traditional = periods.is_traditional(example["text"], simplified)
        got = periods.article_region(simplified, traditional=traditional, rules=rules)
        want = example.get("region", "")
        return None if (got or "") == want else f"expected region {want!r}, got {got!r}"
    text = to_simplified(example["text"], rules)
    claims = nlp(text)._.claims
    problem = check_example(rule, example, claims, text)
    if problem:
        return problem
    quantity = example.get("quantity")
    claim = next((c for c in claims if c.quantity == quantity), claims[0] if claims else None)
    if claim is None:
        return "gave no claim"
    got = periods.claim_currency(claim, text, example.get("region", "mainland"), rules=rules) or ""
    return None if got == example.get("currency", "") else f"expected currency {example.get('currency')!r}, got {got!r}"


def run_comparable_examples(rule: Rule, nlp: Language, rules: RuleSet) -> tuple[int, list[Failure]]:
    """Run one periods.toml rule's examples (and a dateline's or region's counter-examples); return (examples run, failures)."""
    from ..extraction.periods import find_dateline
    from ..text.convert import to_simplified

    failures: list[Failure] = []
    count = 0
    for example in rule.get("examples", []):
        count += 1
        try:
            problem = _comparable_problem(rule, example, nlp, rules)
        except PatternTimeout as exc:
            problem = str(exc)
        if problem:
            failures.append(Failure(rule, example.get("text") or example.get("time", ""), problem))
    if rule.section == "dateline":
        for counter in rule.get("counterexamples", []):
            count += 1
            text = to_simplified(counter, rules)
            found, by = (find_dateline("", dropped=[text], rules=rules) if rule.get("scope") == "dropped"
                         else find_dateline(text, rules=rules))
            if found is not None and by == rule.id:
                failures.append(Failure(rule, counter, f"counter-example gave the date {found.isoformat()}"))
    if rule.section == "region":
        from ..extraction.periods import article_region, is_traditional

        for counter in rule.get("counterexamples", []):
            count += 1
            text = to_simplified(counter, rules)
            got = article_region(text, traditional=is_traditional(counter, text), rules=rules)
            if got == rule.get("region"):
                failures.append(Failure(rule, counter, f"counter-example gave the region {got}"))
    return count, failures


def check_rules(rules: RuleSet, nlp: Language) -> CheckReport:
    """Run the examples of every extraction and cleaning rule of a rule set."""
    report = CheckReport(files=len(rules.files))
    for rule in rules.all():
        report.rules += 1
        if rule.section in CLEANING_SECTIONS:
            count, failures = run_cleaning_examples(rule, rules)
            report.examples += count
            report.passed += count - len(failures)
            report.failures.extend(failures)
            continue
        if rule.section in COMPARE_SECTIONS or rule.section in COMPARABLE_SECTIONS:
            if rule.section in COMPARE_SECTIONS:
                count, failures = run_compare_examples(rule, rules)
            else:
                count, failures = run_comparable_examples(rule, nlp, rules)
            report.examples += count
            report.passed += count - len(failures)
            report.failures.extend(failures)
            continue
        if rule.section not in EXTRACTION_SECTIONS:
            continue
        count, xfailed, failures = run_rule_examples(rule, nlp, rules)
        report.examples += count
        report.xfailed += xfailed
        report.passed += count - len(failures) - xfailed
        report.failures.extend(failures)
    return report
