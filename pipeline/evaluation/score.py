"""Scoring against the gold set, exactly as ANNOTATION.md, "How claims are matched when scoring".

- Clean text: precision/recall/F1 of gold lines reproduced exactly (lines as a multiset) and the
  character error rate (edit distance of the whole texts / gold length).
- Claims: a prediction matches a gold claim when `value`, `high` and `unit` are equal and the
  quantity spans overlap (predicted spans are moved onto the gold text by alignment when the
  texts differ; unalignable spans fall back to order of appearance among claims of the same
  value and unit). Each gold claim matches at most one prediction. Quantity P/R/F1 counts
  matches; field accuracy is over matched pairs; claim F1 also needs entity (lenient) and
  qualifier right.

Everything here is a pure function of its arguments; the CLI reads files and runs the pipeline.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .align import align, edit_distance
from ..claim import GOLD_FIELDS, KINDS, QUALIFIERS, ROLES, Claim, from_mapping, parse_json_line

#: The two extraction modes of a report: on the gold clean text, and end to end from the raw article.
MODES: tuple[str, ...] = ("gold_text", "end_to_end")
#: Fields compared exactly over matched pairs.
EXACT_FIELDS: tuple[str, ...] = ("kind", "qualifier", "role", "where", "time")
#: Every accuracy figure of a matched pair, in report order.
ACCURACY_FIELDS: tuple[str, ...] = (*EXACT_FIELDS, "entity_exact", "entity_lenient")
#: Report figures for which a higher value is worse.
LOWER_IS_BETTER: frozenset[str] = frozenset({"cer"})
#: Report keys that are counts, not scores: never compared with a baseline.
COUNT_KEYS: frozenset[str] = frozenset({"tp", "predicted", "gold", "matched", "docs", "distance", "gold_chars"})
#: Breakdowns left out of baseline comparison (only the overall figures are pinned).
BREAKDOWN_KEYS: frozenset[str] = frozenset({"by_doc", "by_kind"})
#: Absolute tolerance of the baseline comparison.
TOLERANCE = 1e-9

CLAIMS_SUFFIX = ".claims.jsonl"
CLEAN_SUFFIX = ".clean.txt"


# --------------------------------------------------------------------------- gold loading


class GoldError(ValueError):
    """A gold file breaks the format of ANNOTATION.md; the message names file and line."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")


@dataclass(slots=True)
class GoldDoc:
    """One gold article: its id, its clean text and its claims in reading order."""

    doc: str
    clean_text: str
    claims: list[Claim]


def _is_number(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite()


def _is_int(value: object) -> bool:
    return _is_number(value) and value == value.to_integral_value()  # type: ignore[union-attr]


def _check_clean_text(path: Path, text: str) -> None:
    """Raise GoldError unless the clean text follows rule 8 of "Clean text"."""
    if not text:
        raise GoldError(path, None, "clean text is empty")
    if text.startswith("\ufeff"):
        raise GoldError(path, 1, "starts with a byte order mark")
    if not text.endswith("\n"):
        raise GoldError(path, text.count("\n") + 1, "does not end with a newline")
    for number, line in enumerate(text[:-1].split("\n"), 1):
        if "\r" in line:
            raise GoldError(path, number, "carriage return in line")
        if not line:
            raise GoldError(path, number, "blank line")
        if line != line.strip():
            raise GoldError(path, number, "leading or trailing whitespace")


def _check_optional(data: Mapping[str, Any], name: str, allowed: frozenset[str] | None = None) -> str | None:
    """The problem with an optional string field, if any."""
    value = data[name]
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        return f"{name} must be a non-empty string or null, got {value!r}"
    if allowed is not None and value not in allowed:
        return f"{name} must be one of {sorted(allowed)} or null, got {value!r}"
    return None


def _claim_problem(data: Any, text: str) -> str | None:
    """What is wrong with one parsed gold line (None when it is valid)."""
    if not isinstance(data, dict):
        return "not a JSON object"
    missing = [name for name in GOLD_FIELDS if name not in data]
    if missing:
        return f"missing field(s) {', '.join(missing)}"
    unknown = sorted(set(data) - set(GOLD_FIELDS))
    if unknown:
        return f"unknown field(s) {', '.join(unknown)}"
    quantity, context = data["quantity"], data["context"]
    if not isinstance(quantity, str) or not quantity:
        return f"quantity must be a non-empty string, got {quantity!r}"
    if not isinstance(context, str) or not context:
        return f"context must be a non-empty string, got {context!r}"
    if not _is_int(data["start"]) or not _is_int(data["end"]):
        return f"start and end must be integers, got {data['start']!r}, {data['end']!r}"
    if not _is_number(data["value"]):
        return f"value must be a number, got {data['value']!r}"
    high = data["high"]
    if high is not None and not _is_number(high):
        return f"high must be a number or null, got {high!r}"
    if high is not None and high <= data["value"]:
        return f"high {high} is not above value {data['value']}"
    if not isinstance(data["unit"], str):
        return f"unit must be a string, got {data['unit']!r}"
    if data["kind"] not in KINDS:
        return f"kind must be one of {sorted(KINDS)}, got {data['kind']!r}"
    if not isinstance(data["entity"], str) or not data["entity"]:
        return f"entity must be a non-empty string, got {data['entity']!r}"
    for name, allowed in (("qualifier", QUALIFIERS), ("role", ROLES), ("where", None), ("time", None)):
        problem = _check_optional(data, name, allowed)
        if problem:
            return problem
    start, end = int(data["start"]), int(data["end"])
    if not 0 <= start < end <= len(text):
        return f"start/end {start}/{end} outside the clean text (length {len(text)})"
    if text[start:end] != quantity:
        return f"clean_text[{start}:{end}] is {text[start:end]!r}, not quantity {quantity!r}"
    if quantity not in context:
        return f"context {context!r} does not contain quantity {quantity!r}"
    occurrences = text.count(context)
    if occurrences != 1:
        return f"context {context!r} occurs {occurrences} times in the clean text, not once"
    at = text.index(context)
    if not (at <= start and end <= at + len(context)):
        return f"start/end {start}/{end} lie outside context {context!r} (at {at})"
    return None


def load_gold_doc(claims_path: Path) -> GoldDoc:
    """Read and validate one gold article (`<doc>.claims.jsonl` beside `<doc>.clean.txt`)."""
    doc = claims_path.name[: -len(CLAIMS_SUFFIX)]
    clean_path = claims_path.with_name(doc + CLEAN_SUFFIX)
    if not clean_path.is_file():
        raise GoldError(claims_path, None, f"no clean text {clean_path.name} beside it")
    texts = {}
    for path in (clean_path, claims_path):
        try:
            texts[path] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise GoldError(path, None, f"not UTF-8: {error}") from None
    text = texts[clean_path]
    _check_clean_text(clean_path, text)
    claims: list[Claim] = []
    lines = texts[claims_path].split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            raise GoldError(claims_path, number, "blank line")
        try:
            data = parse_json_line(line)
        except json.JSONDecodeError as error:
            raise GoldError(claims_path, number, f"invalid JSON: {error.msg} (column {error.colno})") from None
        problem = _claim_problem(data, text)
        if problem:
            raise GoldError(claims_path, number, problem)
        claim = from_mapping(data, doc=doc)
        if claims and claim.start < claims[-1].end:
            raise GoldError(
                claims_path, number, f"span {claim.start}-{claim.end} is not after the previous claim's (reading order)"
            )
        claims.append(claim)
    return GoldDoc(doc=doc, clean_text=text, claims=claims)


def load_gold(gold_dir: Path) -> dict[str, GoldDoc]:
    """Every gold article of a directory, by doc id, validated; raises GoldError naming file and line."""
    docs: dict[str, GoldDoc] = {}
    for claims_path in sorted(gold_dir.glob("*" + CLAIMS_SUFFIX)):
        gold = load_gold_doc(claims_path)
        docs[gold.doc] = gold
    for clean_path in sorted(gold_dir.glob("*" + CLEAN_SUFFIX)):
        if clean_path.name[: -len(CLEAN_SUFFIX)] not in docs:
            raise GoldError(clean_path, None, "no claims file beside it (an article without claims has an empty one)")
    return docs


# --------------------------------------------------------------------------- clean text


def _prf(tp: int, predicted: int, gold: int) -> tuple[float, float, float]:
    """Precision, recall, F1; an empty side scores 1.0 only when the other is empty too.

    >>> _prf(3, 4, 6)
    (0.75, 0.5, 0.6)
    >>> _prf(0, 0, 0)
    (1.0, 1.0, 1.0)
    """
    precision = tp / predicted if predicted else float(gold == 0)
    recall = tp / gold if gold else float(predicted == 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@dataclass(frozen=True, slots=True)
class CleanScore:
    """Counts behind the clean-text figures of one or more articles (they add up: micro average)."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0
    distance: int = 0
    gold_chars: int = 0

    def __add__(self, other: CleanScore) -> CleanScore:
        return CleanScore(
            self.tp + other.tp,
            self.predicted + other.predicted,
            self.gold + other.gold,
            self.distance + other.distance,
            self.gold_chars + other.gold_chars,
        )

    @property
    def precision(self) -> float:
        """Share of predicted lines that are gold lines."""
        return _prf(self.tp, self.predicted, self.gold)[0]

    @property
    def recall(self) -> float:
        """Share of gold lines reproduced exactly."""
        return _prf(self.tp, self.predicted, self.gold)[1]

    @property
    def f1(self) -> float:
        """Harmonic mean of line precision and recall."""
        return _prf(self.tp, self.predicted, self.gold)[2]

    @property
    def cer(self) -> float:
        """Character error rate: edit distance / gold length (an empty gold: 0 or 1)."""
        if self.gold_chars:
            return self.distance / self.gold_chars
        return float(self.distance > 0)


def text_lines(text: str) -> list[str]:
    """The non-empty lines of a text, exactly as written (blank lines are not content).

    >>> text_lines("标题\\n\\n正文 \\n")
    ['标题', '正文 ']
    """
    return [line for line in text.split("\n") if line]


def score_clean(predicted: str, gold: str) -> CleanScore:
    """Line matches (lines as multisets) and edit distance of a cleaner's output against the gold text."""
    predicted_lines = Counter(text_lines(predicted))
    gold_lines = Counter(text_lines(gold))
    tp = sum((predicted_lines & gold_lines).values())
    return CleanScore(
        tp=tp,
        predicted=sum(predicted_lines.values()),
        gold=sum(gold_lines.values()),
        distance=edit_distance(predicted, gold),
        gold_chars=len(gold),
    )


# --------------------------------------------------------------------------- claim matching


def _key(claim: Claim) -> tuple[Decimal, Decimal | None, str]:
    """What must be equal for two claims to match (Decimal compares 73 == 73.0)."""
    return (claim.value, claim.high, claim.unit)


def _same_key(a: Claim, b: Claim) -> bool:
    return a.value == b.value and a.high == b.high and a.unit == b.unit


def _max_matching(candidates: Sequence[Sequence[int]], n_right: int) -> list[tuple[int, int]]:
    """A maximum bipartite matching (augmenting paths); candidates[i] lists i's partners by preference.

    >>> _max_matching([[0, 1], [0]], 2)
    [(0, 1), (1, 0)]
    """
    owner: list[int | None] = [None] * n_right

    def augment(left: int, seen: set[int]) -> bool:
        for right in candidates[left]:
            if right in seen:
                continue
            seen.add(right)
            current = owner[right]
            if current is None or augment(current, seen):
                owner[right] = left
                return True
        return False

    for left in range(len(candidates)):
        augment(left, set())
    return sorted((left, right) for right, left in enumerate(owner) if left is not None)


def _ranks(claims: Sequence[Claim]) -> list[int]:
    """For each claim, how many claims with the same value/high/unit come before it in the text."""
    order = sorted(range(len(claims)), key=lambda i: (claims[i].start, claims[i].end, i))
    seen: Counter[tuple[Decimal, Decimal | None, str]] = Counter()
    ranks = [0] * len(claims)
    for i in order:
        key = _key(claims[i])
        ranks[i] = seen[key]
        seen[key] += 1
    return ranks


def match_claims(
    predicted: Sequence[Claim], gold: Sequence[Claim], predicted_text: str, gold_text: str
) -> list[tuple[int, int]]:
    """Pairs (predicted index, gold index) of matching claims, a maximum one-to-one matching, sorted."""
    if predicted_text == gold_text:
        spans: list[tuple[int, int] | None] = [(p.start, p.end) for p in predicted]
    else:
        alignment = align(predicted_text, gold_text)
        spans = [alignment.map_span(p.start, p.end) for p in predicted]
    predicted_ranks = _ranks(predicted)
    gold_ranks = _ranks(gold)
    candidates: list[list[int]] = []
    for i, claim in enumerate(predicted):
        span = spans[i]
        scored: list[tuple[int, int, int]] = []
        for j, target in enumerate(gold):
            if not _same_key(claim, target):
                continue
            if span is None:
                # Fallback: the k-th of this value and unit in the prediction is the k-th in gold.
                if predicted_ranks[i] == gold_ranks[j]:
                    scored.append((0, 0, j))
                continue
            overlap = min(span[1], target.end) - max(span[0], target.start)
            if overlap > 0:
                # Prefer the largest overlap, then the nearest start, then reading order.
                scored.append((-overlap, abs(span[0] - target.start), j))
        candidates.append([j for _, _, j in sorted(scored)])
    return _max_matching(candidates, len(gold))


def entity_lenient(predicted: str | None, gold: str | None) -> bool:
    """Entities agree leniently: one contains the other; missing (None or "") only equals missing.

    >>> entity_lenient("安置点", "73个安置点"), entity_lenient(None, None), entity_lenient("", "人")
    (True, True, False)
    """
    if not predicted or not gold:
        return not predicted and not gold
    return predicted in gold or gold in predicted


# --------------------------------------------------------------------------- claim scores


@dataclass(frozen=True, slots=True)
class ClaimScore:
    """Counts behind the extraction figures of one or more articles (they add up: micro average)."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0
    claim_tp: int = 0
    correct: Mapping[str, int] = field(default_factory=dict)

    def __add__(self, other: ClaimScore) -> ClaimScore:
        correct = {name: self.correct.get(name, 0) + other.correct.get(name, 0) for name in ACCURACY_FIELDS}
        return ClaimScore(
            self.tp + other.tp,
            self.predicted + other.predicted,
            self.gold + other.gold,
            self.claim_tp + other.claim_tp,
            correct,
        )

    @property
    def quantity(self) -> tuple[float, float, float]:
        """Quantity precision, recall, F1 (matches)."""
        return _prf(self.tp, self.predicted, self.gold)

    @property
    def claim(self) -> tuple[float, float, float]:
        """Claim precision, recall, F1 (matches with entity (lenient) and qualifier right)."""
        return _prf(self.claim_tp, self.predicted, self.gold)

    def accuracy(self, name: str) -> float | None:
        """Share of matched pairs with field `name` right (one of ACCURACY_FIELDS); None without matches."""
        if name not in ACCURACY_FIELDS:
            raise KeyError(name)
        return self.correct.get(name, 0) / self.tp if self.tp else None


def _pair_correct(predicted: Claim, gold: Claim) -> dict[str, int]:
    """Which accuracy fields a matched pair gets right (1) or wrong (0)."""
    correct = {name: int(getattr(predicted, name) == getattr(gold, name)) for name in EXACT_FIELDS}
    correct["entity_exact"] = int(predicted.entity == gold.entity)
    correct["entity_lenient"] = int(entity_lenient(predicted.entity, gold.entity))
    return correct


def score_claims(
    predicted: Sequence[Claim], gold: Sequence[Claim], predicted_text: str, gold_text: str
) -> tuple[ClaimScore, dict[str, ClaimScore]]:
    """Score one article's predictions: (overall, by kind); unmatched predictions count to their own kind."""
    pairs = match_claims(predicted, gold, predicted_text, gold_text)
    # Per kind: a matched pair and a missed gold claim count under the gold kind, a spurious
    # prediction under its predicted kind, so that the kinds add up to the overall figures.
    by_kind: dict[str, ClaimScore] = {}

    def add(kind: str, score: ClaimScore) -> None:
        by_kind[kind] = by_kind.get(kind, ClaimScore()) + score

    matched_predicted = {i for i, _ in pairs}
    matched_gold = {j for _, j in pairs}
    for i, j in pairs:
        correct = _pair_correct(predicted[i], gold[j])
        claim_ok = correct["entity_lenient"] and correct["qualifier"]
        add(gold[j].kind, ClaimScore(tp=1, predicted=1, gold=1, claim_tp=int(claim_ok), correct=correct))
    for i, claim in enumerate(predicted):
        if i not in matched_predicted:
            add(claim.kind, ClaimScore(predicted=1))
    for j, claim in enumerate(gold):
        if j not in matched_gold:
            add(claim.kind, ClaimScore(gold=1))
    overall = sum(by_kind.values(), ClaimScore())
    return overall, dict(sorted(by_kind.items()))


def claim_errors(
    predicted: Sequence[Claim], gold: Sequence[Claim], predicted_text: str, gold_text: str
) -> list[dict[str, Any]]:
    """Every disagreement of one article: missed gold claims, spurious predictions, wrong fields of matched pairs."""
    pairs = match_claims(predicted, gold, predicted_text, gold_text)
    rows: list[dict[str, Any]] = []
    matched_predicted = {i for i, _ in pairs}
    matched_gold = {j for _, j in pairs}
    for i, j in pairs:
        p, g = predicted[i], gold[j]
        wrong = [name for name in ERROR_FIELDS if getattr(p, name) != getattr(g, name)]
        if wrong:
            rows.append(_error_row("wrong", g, p, wrong, gold_text))
    for j, claim in enumerate(gold):
        if j not in matched_gold:
            rows.append(_error_row("missed", claim, None, [], gold_text))
    for i, claim in enumerate(predicted):
        if i not in matched_predicted:
            rows.append(_error_row("spurious", None, claim, [], predicted_text))
    rows.sort(key=lambda row: row["start"])
    return rows


#: The fields whose disagreement `claim_errors` lists for a matched pair.
ERROR_FIELDS: tuple[str, ...] = ("qualifier", "kind", "role", "where", "time", "entity")


def _error_row(what: str, gold: Claim | None, predicted: Claim | None, wrong: list[str], text: str) -> dict[str, Any]:
    anchor = gold if gold is not None else predicted
    assert anchor is not None
    line_start = text.rfind("\n", 0, anchor.start) + 1
    line_end = text.find("\n", anchor.end)
    row: dict[str, Any] = {"error": what, "quantity": anchor.quantity, "start": anchor.start, "fields": wrong}
    for name in ERROR_FIELDS:
        row[name] = {
            "gold": getattr(gold, name) if gold is not None else None,
            "predicted": getattr(predicted, name) if predicted is not None else None,
        }
    line_end = len(text) if line_end < 0 else line_end
    # The line of the quantity, at most 120 characters either side of it (table rows can be long).
    row["line"] = text[max(line_start, anchor.start - 120) : min(line_end, anchor.end + 120)]
    return row


# --------------------------------------------------------------------------- report


@dataclass(slots=True)
class DocInput:
    """What the scorer needs of one article: gold, the cleaner's text, and both extraction runs."""

    doc: str
    gold: GoldDoc
    predicted_clean: str
    from_gold_text: list[Claim]
    end_to_end: list[Claim]


@dataclass(slots=True)
class ModeReport:
    """Extraction scores of one mode: overall, per article, per gold kind."""

    overall: ClaimScore
    by_doc: dict[str, ClaimScore]
    by_kind: dict[str, ClaimScore]


@dataclass(slots=True)
class Report:
    """The scores of a run: clean text overall and per article, and one ModeReport per mode in MODES."""

    docs: list[str]
    clean: CleanScore
    clean_by_doc: dict[str, CleanScore]
    modes: dict[str, ModeReport]


def build_report(docs: Sequence[DocInput]) -> Report:
    """Score every article and add up the counts (micro averages)."""
    clean_by_doc: dict[str, CleanScore] = {}
    modes = {mode: ModeReport(ClaimScore(), {}, {}) for mode in MODES}
    for item in docs:
        gold_text = item.gold.clean_text
        clean_by_doc[item.doc] = score_clean(item.predicted_clean, gold_text)
        runs = {
            "gold_text": (item.from_gold_text, gold_text),
            "end_to_end": (item.end_to_end, item.predicted_clean),
        }
        for mode, (predicted, predicted_text) in runs.items():
            overall, by_kind = score_claims(predicted, item.gold.claims, predicted_text, gold_text)
            report = modes[mode]
            report.overall = report.overall + overall
            report.by_doc[item.doc] = overall
            for kind, score in by_kind.items():
                report.by_kind[kind] = report.by_kind.get(kind, ClaimScore()) + score
    for report in modes.values():
        report.by_kind = dict(sorted(report.by_kind.items()))
    return Report(
        docs=[item.doc for item in docs],
        clean=sum(clean_by_doc.values(), CleanScore()),
        clean_by_doc=clean_by_doc,
        modes=modes,
    )


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _clean_dict(score: CleanScore) -> dict[str, Any]:
    return {
        "line": {
            "precision": _r(score.precision),
            "recall": _r(score.recall),
            "f1": _r(score.f1),
            "tp": score.tp,
            "predicted": score.predicted,
            "gold": score.gold,
        },
        "cer": _r(score.cer),
        "distance": score.distance,
        "gold_chars": score.gold_chars,
    }


def _prf_dict(figures: tuple[float, float, float], tp: int, score: ClaimScore) -> dict[str, Any]:
    precision, recall, f1 = figures
    return {
        "precision": _r(precision),
        "recall": _r(recall),
        "f1": _r(f1),
        "tp": tp,
        "predicted": score.predicted,
        "gold": score.gold,
    }


def _claims_dict(score: ClaimScore) -> dict[str, Any]:
    return {
        "quantity": _prf_dict(score.quantity, score.tp, score),
        "claim": _prf_dict(score.claim, score.claim_tp, score),
        "fields": {name: _r(score.accuracy(name)) for name in ACCURACY_FIELDS},
        "matched": score.tp,
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as JSON-ready nested dicts with stable keys, floats rounded to 4 places."""
    result: dict[str, Any] = {
        "docs": len(report.docs),
        "clean": {
            **_clean_dict(report.clean),
            "by_doc": {doc: _clean_dict(score) for doc, score in report.clean_by_doc.items()},
        },
    }
    for mode, mode_report in report.modes.items():
        result[mode] = {
            **_claims_dict(mode_report.overall),
            "by_doc": {doc: _claims_dict(score) for doc, score in mode_report.by_doc.items()},
            "by_kind": {kind: _claims_dict(score) for kind, score in mode_report.by_kind.items()},
        }
    return result


def overall_figures(report_dict: Mapping[str, Any], prefix: str = "") -> dict[str, float | None]:
    """The overall scores of a report (or baseline) dict as flat dotted names, counts and breakdowns left out.

    >>> overall_figures({"clean": {"cer": 0.1, "distance": 3, "by_doc": {"a": {"cer": 0.5}}}})
    {'clean.cer': 0.1}
    """
    figures: dict[str, float | None] = {}
    for key, value in report_dict.items():
        if key in BREAKDOWN_KEYS or key in COUNT_KEYS:
            continue
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            figures.update(overall_figures(value, name + "."))
        elif value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
            figures[name] = value
    return figures


def check_baseline(report_dict: Mapping[str, Any], baseline: Mapping[str, Any]) -> list[str]:
    """One message per overall figure of the baseline that the report falls short of (CER: rises above)."""
    current = overall_figures(report_dict)
    messages = []
    for name, pinned in overall_figures(baseline).items():
        if pinned is None:
            continue
        value = current.get(name)
        if value is None:
            state = "missing" if name not in current else "undefined"
            messages.append(f"{name} {state} (baseline {pinned})")
        elif name.rsplit(".", 1)[-1] in LOWER_IS_BETTER:
            if value > pinned + TOLERANCE:
                messages.append(f"{name} {value} > baseline {pinned}")
        elif value < pinned - TOLERANCE:
            messages.append(f"{name} {value} < baseline {pinned}")
    return messages


# --------------------------------------------------------------------------- terminal table


def _f(value: float | None) -> str:
    return "    -" if value is None else f"{value:5.3f}"


def _claims_row(label: str, score: ClaimScore, width: int) -> str:
    q, c = score.quantity, score.claim
    cells = [
        f"{score.gold:5d}",
        f"{score.predicted:5d}",
        f"{score.tp:5d}",
        *(_f(x) for x in q),
        _f(c[2]),
        *(_f(score.accuracy(name)) for name in ACCURACY_FIELDS),
    ]
    return f"{label:<{width}} " + " ".join(cells)


def _claims_header(label: str, width: int) -> str:
    columns = ("gold", "pred", "match", "qP", "qR", "qF1", "clmF1", "kind", "qual", "role", "where", "time", "ent=", "ent~")
    return f"{label:<{width}} " + " ".join(f"{name:>5}" for name in columns)


def format_report(report: Report) -> str:
    """A readable plain-text table of the report for the terminal."""
    names = [*report.docs, "overall", *(k for m in report.modes.values() for k in m.by_kind)]
    width = max([len(n) for n in names] + [12]) + 2
    out = ["Clean text", f"{'article':<{width}} " + " ".join(f"{name:>5}" for name in ("lineP", "lineR", "lineF", "CER"))]
    rows = [*report.clean_by_doc.items(), ("overall", report.clean)]
    for label, clean in rows:
        out.append(f"{label:<{width}} {_f(clean.precision)} {_f(clean.recall)} {_f(clean.f1)} {_f(clean.cer)}")
    for mode, mode_report in report.modes.items():
        out += ["", f"Claims ({mode})", _claims_header("article", width)]
        out += [_claims_row(doc, score, width) for doc, score in mode_report.by_doc.items()]
        out.append(_claims_row("overall", mode_report.overall, width))
        out.append(_claims_header("gold kind", width))
        out += [_claims_row(kind, score, width) for kind, score in mode_report.by_kind.items()]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- diff of two runs


def diff_claims(current: Sequence[Claim], previous: Sequence[Claim]) -> tuple[list[Claim], list[Claim]]:
    """(gained, lost): claims of `current` with no counterpart in `previous` and the reverse, matched per doc."""
    by_doc: dict[str, tuple[list[Claim], list[Claim]]] = {}
    for claim in current:
        by_doc.setdefault(claim.doc, ([], []))[0].append(claim)
    for claim in previous:
        by_doc.setdefault(claim.doc, ([], []))[1].append(claim)
    gained: list[Claim] = []
    lost: list[Claim] = []
    for now, before in by_doc.values():
        # Both runs point into the same clean text of the article: match on spans directly.
        pairs = match_claims(now, before, "", "")
        kept_now = {i for i, _ in pairs}
        kept_before = {j for _, j in pairs}
        gained += [claim for i, claim in enumerate(now) if i not in kept_now]
        lost += [claim for j, claim in enumerate(before) if j not in kept_before]
    return gained, lost

