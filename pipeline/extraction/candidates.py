"""The learned choice of a claim's entity: every branch's candidate, its features, a linear model.

The entity cascade of `extract.py` returns the first branch that fires. Here every branch is read
for the same quantity (table headers, the noun phrase after and before it, the subjects of the
clauses before it, a list's head, the heading over a list line, the counter itself, what the
previous quantity measures, and nothing), each candidate gets its features (branches that gave
it, whether the cascade chose it, its place relative to the quantity, its length, the tags of its
first and last words, punctuation and clause breaks between, place and time words, the kind,
role and unit of the quantity) and a linear model scores them: the highest wins. The model is a
JSON file of feature weights (`rules/entity_model.json`, rebuilt by `zhclaims train`), scored in
pure Python; `pipeline/tools/train.py` fits it (a conditional logit: a softmax over the
candidates of each claim) from labelled articles.

The hook in the claims component passes an `EntitySite` (what the cascade saw, and what it chose)
and takes back the chosen entity and its branch id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

from .libraries import import_spacy

import_spacy()  # spaCy without its command line, before any module of it (see libraries)
from spacy.tokens import Doc  # noqa: E402

from .context import PhraseCues, clause_start, doc_text, np_after, np_before, tokens_between

#: File name of a learned entity model in a rules directory (the last directory holding one wins).
MODEL_FILE = "entity_model.json"
#: Version of the feature set; a model trained on another is refused.
FEATURES_VERSION = 1
#: Branch ids of the candidates that only the learned choice reads (the cascade's are ENTITY_BRANCHES).
CANDIDATE_BRANCHES: dict[str, str] = {
    "entity.null": "no entity",
    "entity.cand_np_after": "the noun phrase right after the quantity, as read",
    "entity.cand_np_after_de": "the noun phrase after the 的 that follows the quantity",
    "entity.cand_np_before": "the noun phrase right before the quantity, as read",
    "entity.cand_np_before_cue": "the noun phrase before the change cue of the quantity",
    "entity.cand_subject0": "the subject opening the quantity's clause",
    "entity.cand_subject1": "the subject opening the clause before the quantity's",
    "entity.cand_subject2": "the subject opening the second clause before the quantity's",
    "entity.cand_sentence_subject": "the subject opening the sentence",
    "entity.cand_previous": "what the previous quantity of the sentence measures",
    "entity.cand_previous_sentence": "what the last quantity of the sentences before measures",
    "entity.cand_noun_run": "a run of nominal words of the sentence (the nearest few to the quantity)",
    "entity.cand_heading": "the heading over the quantity's list line",
    "entity.cand_unit": "the counter of the quantity when it names what is counted (人, 班次: `unit_noun`, `subject_counter`)",
    "entity.cand_table_row": "a table cell: the header cell of its row",
    "entity.cand_table_column": "a table cell: the header cell of its column",
    "entity.learned": "the learned model chose the entity, from the candidate whose branch follows",
}

_HAS_DIGIT = regex.compile(r"\d")
_PUNCT = regex.compile(r"[\p{P}]")


@dataclass(slots=True)
class EntitySite:
    """What the entity cascade saw for quantity `i` of a sentence, and what it chose."""

    doc: Doc
    sentence: str
    sent_start: int
    group: list  # the sentence's Quantity objects
    local: list[tuple[int, int]]
    i: int
    role: str | None
    cue_start: int
    previous: list[str | None]
    cues: PhraseCues
    times: list[tuple[int, int, str, str]]
    ents: list
    cell: Any  # TableCell or None
    entity: str | None
    rule: str
    #: what the last quantity of the sentences before measures (None at the first)
    previous_sentence: str | None = None


@dataclass(slots=True)
class Candidate:
    """One entity candidate of a claim: its text (None: no entity), the branches that gave it, its features."""

    text: str | None
    branches: list[str] = field(default_factory=list)
    cascade: bool = False
    features: list[str] = field(default_factory=list)


def _bin(value: int, edges: tuple[int, ...]) -> str:
    """The label of the bin holding `value`: the first edge it does not exceed, else `>last`.

    >>> _bin(0, (0, 2, 5)), _bin(3, (0, 2, 5)), _bin(9, (0, 2, 5))
    ('0', '5', '>5')
    """
    for edge in edges:
        if value <= edge:
            return str(edge)
    return f">{edges[-1]}"


def entity_candidates(extractor, site: EntitySite) -> list[Candidate]:
    """Every branch's entity candidate for the site (the cascade's choice first, then nothing), merged by text."""
    found: list[tuple[str | None, str]] = [(site.entity or None, site.rule or "entity.none"), (None, "entity.null")]
    doc, sentence, sent_start = site.doc, site.sentence, site.sent_start
    ecues = extractor.cues
    ctx = extractor.context
    qs, qe = site.local[site.i]
    q = site.group[site.i]
    limit = sent_start + len(sentence)
    cues = site.cues
    if site.cell is not None:
        if site.cell.row_header is not None and site.cell.row_header.text:
            found.append((site.cell.row_header.text, "entity.cand_table_row"))
        if site.cell.column_header is not None and site.cell.column_header.text:
            found.append((site.cell.column_header.text, "entity.cand_table_column"))
    after = np_after(doc, sent_start + qe, limit, cues=cues)
    if after:
        found.append((after, "entity.cand_np_after"))
    if sentence.startswith("的", qe):
        after_de = np_after(doc, sent_start + qe + 1, limit, cues=cues)
        if after_de:
            found.append((after_de, "entity.cand_np_after_de"))
    clause_floor = clause_start(sentence, qs, ecues.clause_ends)
    head = ctx.strip_time_before(ctx.strip_before(sentence[:qs]), site.times)
    changes = site.role is not None and site.cue_start < qs
    before = np_before(doc, sent_start + len(head), sent_start + clause_floor, cues=cues) if not changes else ""
    if before:
        found.append((before, "entity.cand_np_before"))
    if changes:
        head_cue = ctx.strip_time_before(ctx.strip_before(sentence[: site.cue_start]), site.times)
        before_cue = np_before(doc, sent_start + len(head_cue), sent_start + clause_start(sentence, site.cue_start, ecues.clause_ends), cues=cues)
        if before_cue:
            found.append((before_cue, "entity.cand_np_before_cue"))
    # the subjects of the quantity's clause and of the two clauses before it, and of the sentence
    clause_to = qs
    for distance in range(3):
        clause_from = clause_start(sentence, clause_to, ecues.clause_ends)
        subject = _subject(extractor, site, clause_from, clause_to)
        if subject:
            found.append((subject, f"entity.cand_subject{distance}"))
        if clause_from == 0:
            break
        clause_to = clause_from - 1
    first_end = next((m.start() for m in ecues.clause_ends.finditer(sentence)), len(sentence))
    if first_end < qs:
        subject = _subject(extractor, site, 0, first_end)
        if subject:
            found.append((subject, "entity.cand_sentence_subject"))
    if site.previous and site.previous[-1]:
        found.append((site.previous[-1], "entity.cand_previous"))
    if site.previous_sentence:
        found.append((site.previous_sentence, "entity.cand_previous_sentence"))
    # a run inside the quantity's change cue (增长|36.4%) is the change, not what changes
    cue = (sent_start + site.cue_start, sent_start + qs) if site.role is not None and site.cue_start < qs else (0, 0)
    found += [(run, "entity.cand_noun_run") for run in _noun_runs(doc, sent_start, limit, sent_start + qs, cues, cue)]
    heading = extractor._heading(doc, sent_start + qs)
    if heading:
        found.append((heading, "entity.cand_heading"))
    if q.unit and (q.unit in ecues.unit_nouns or q.unit in ecues.subject_counters):  # 班次, 人: a counter that names
        found.append((q.unit, "entity.cand_unit"))
    merged: dict[str | None, Candidate] = {}
    for text, branch in found:
        candidate = merged.get(text)
        if candidate is None:
            candidate = merged[text] = Candidate(text)
        if branch not in candidate.branches:
            candidate.branches.append(branch)
    candidates = list(merged.values())
    candidates[0].cascade = True
    for candidate in candidates:
        candidate.features = _features(extractor, site, candidate)
    # as the cascade, never a speaker (王明介绍说), the change word itself (增长|36.4%), a word
    # ending in the copula (率为|1.6%) or a phrase after the quantity past a predicate (12%|属于|学校)
    return [c for c in candidates if c.cascade or not DROPPED.intersection(c.features)]


#: doc.user_data key of what is read once per sentence or clause (noun runs, clause subjects;
#: dropped with the component's other caches).
RUNS_KEY = "zhclaims.noun_runs"
#: Features of a candidate that is never the entity (the cascade's own choice is kept whatever it is).
DROPPED = frozenset({"speaker", "in_change_cue", "ends_copula", "verb_before"})
#: How many runs of nominal words (nearest to the quantity) are candidates, and their longest length.
NOUN_RUNS = 6
NOUN_RUN_CHARS = 12


def _subject(extractor, site: EntitySite, start: int, limit: int) -> str | None:
    """The subject opening sentence[start:limit] (the cascade's reader), read once per clause of a sentence."""
    cache = site.doc.user_data.setdefault(RUNS_KEY, {})
    key = ("subject", site.sent_start + start, site.sent_start + limit)
    if key not in cache:
        cache[key] = extractor._clause_subject(site.doc, site.sentence, site.sent_start, start, limit, site.cues, site.times, site.ents)
    return cache[key]


def _noun_runs(doc: Doc, start: int, limit: int, at: int, cues: PhraseCues, cue: tuple[int, int] = (0, 0)) -> list[str]:
    """The runs of nominal words of doc[start:limit] (nouns, verbal nouns; not places, times or
    cue words), none overlapping the span `cue`, the NOUN_RUNS nearest to `at`."""
    cache = doc.user_data.setdefault(RUNS_KEY, {})
    runs = cache.get(("runs", start, limit))
    if runs is None:
        runs = cache[("runs", start, limit)] = _find_runs(doc, start, limit, cues)
    runs = [(s, e) for s, e in runs if e <= cue[0] or cue[1] <= s]
    runs.sort(key=lambda r: min(abs(r[0] - at), abs(r[1] - at)))
    text = doc_text(doc)
    return [text[s:e] for s, e in runs[:NOUN_RUNS]]


def _find_runs(doc: Doc, start: int, limit: int, cues: PhraseCues) -> list[tuple[int, int]]:
    """The spans of the runs of nominal words of doc[start:limit], at most NOUN_RUN_CHARS long."""
    runs: list[tuple[int, int]] = []
    run_start = run_end = -1
    for token in tokens_between(doc, start, limit):
        if token.idx < start:
            continue
        if token.tag_.startswith(("n", "vn")) and not token.tag_.startswith(("nr", "ns")) and cues.is_nominal(token):
            if run_start < 0:
                run_start = token.idx
            run_end = token.idx + len(token.text)
            continue
        if run_start >= 0:
            runs.append((run_start, run_end))
        run_start = -1
    if run_start >= 0:
        runs.append((run_start, run_end))
    return [(s, e) for s, e in runs if e - s <= NOUN_RUN_CHARS]


def _features(extractor, site: EntitySite, candidate: Candidate) -> list[str]:
    """The features of one candidate (strings; each present feature counts 1)."""
    q = site.group[site.i]
    cascade_rule = site.rule or "entity.none"
    kind = f"kind={q.kind}"
    role = f"role={site.role}"
    out: list[str] = []
    for branch in candidate.branches:
        out += [f"b={branch}", f"b={branch}&{kind}", f"b={branch}&{role}", f"b={branch}&cascade={cascade_rule}"]
    out.append(f"branches={_bin(len(candidate.branches), (1, 2, 3))}")
    if candidate.cascade:
        out += ["cascade", f"cascade&{cascade_rule}", f"cascade&{kind}"]
    text = candidate.text
    if text is None:
        out += ["null", f"null&{kind}", f"null&{role}", f"null&unit={q.unit}" if q.kind == "count" else "null&measure"]
        return out
    sentence, sent_start = site.sentence, site.sent_start
    qs, qe = site.local[site.i]
    out.append(f"len={_bin(len(text), (1, 2, 3, 4, 6, 8, 12))}")
    if "的" in text:
        out.append("has_de")
    if _HAS_DIGIT.search(text):
        out.append("has_digit")
    if _PUNCT.search(text):
        out.append("has_punct")
    if text == q.unit:
        out.append(f"is_unit&{kind}")
    if site.previous and text == site.previous[-1]:
        out.append("same_as_previous")
    if text == site.previous_sentence:
        out.append("same_as_previous_sentence")
    # where it stands: the nearest occurrence before the quantity, else after it
    at = sentence.rfind(text, 0, qs)
    if at >= 0 and at + len(text) <= qs:
        between = sentence[at + len(text) : qs]
        out.append("pos=before")
        start = at
    else:
        at = sentence.find(text, qe)
        if at >= 0:
            between = sentence[qe:at]
            out.append("pos=after")
            start = at
        else:
            between = None
            out.append("pos=outside")
            start = -1
    if between is not None:
        out.append(f"dist={_bin(len(between), (0, 1, 2, 4, 8, 16, 32))}")
        out.append(f"punct_between={_bin(len(_PUNCT.findall(between)), (0, 1, 2))}")
        breaks = len(extractor.cues.clause_ends.findall(between))
        out.append(f"clauses_between={_bin(breaks, (0, 1, 2))}")
        if len(between) <= 2:
            out.append(f"between={between}")
        gap = (sent_start + start + len(text), sent_start + qs) if start < qs else (sent_start + qe, sent_start + start)
        if any(gap[0] <= t.idx < gap[1] and site.cues.is_verbal(t) for t in tokens_between(site.doc, *gap)):
            out.append("verb_between" if start < qs else "verb_before")  # 其余12%|属于|私立学校: a predicate stands between
        others = sum(1 for k, (s, e) in enumerate(site.local) if k != site.i and (start <= s < qs or qe <= s < start))
        out.append(f"quantities_between={_bin(others, (0, 1, 2))}")
    if start >= 0:
        tokens = [t for t in tokens_between(site.doc, sent_start + start, sent_start + start + len(text)) if t.text.strip()]
        if tokens:
            first, last = tokens[0], tokens[-1]
            out += [f"first_tag={first.tag_}", f"last_tag={last.tag_}", f"words={_bin(len(tokens), (1, 2, 3, 5))}"]
            if last.idx + len(last.text) > sent_start + start + len(text) or first.idx < sent_start + start:
                out.append("cuts_word")
            if all(t.tag_.startswith(("ns", "nsd")) for t in tokens) or any(e.text == text and e.label_ == "GPE" for e in site.ents):
                out.append("is_place")
            if any(s <= start and start + len(text) <= e for s, e, _, _ in site.times) or last.tag_.startswith("t"):
                out.append("is_time")
            if any(site.cues.is_verbal(t) for t in tokens):
                out.append("has_verb")
            if site.cues.is_verbal(last):
                out.append("last_verbal")
            # a word the tagger made of a head and the copula right before the quantity (率为|1.6%)
            if between == "" and len(last.text) == 2 and last.text[-1:] in extractor.cues.copulas and start < qs:
                out.append("ends_copula")
            # the speaker of the clause (王明介绍说): a source, not what is counted
            clause_to = next((m.start() for m in extractor.cues.clause_ends.finditer(sentence, start + len(text))), len(sentence))
            if clause_to < qs and extractor._is_speech(sentence[start:clause_to]):
                out.append("speaker")
            if site.role is not None and site.cue_start < qs and start < qs and start + len(text) > site.cue_start:
                out.append("in_change_cue")
            before_char = sentence[start - 1] if start > 0 else "^"
            after_char = sentence[start + len(text)] if start + len(text) < len(sentence) else "$"
            out += [f"char_before={before_char}", f"char_after={after_char}"]
    return out


#: A branch id inside a feature's name (b=entity.np_before&kind=count, cascade&entity.ranking).
BRANCH_ID = regex.compile(r"entity\.[a-z_0-9]+")
#: What a branch id the model was not fitted on (a branch added since, or one of too few labelled
#: articles) stands for in its features: the class of rare branches, whose weights the fit learns
#: from the branches of few articles (`train.RARE_ARTICLES`).
RARE_BRANCH = "entity.rare"


def generalise(feature: str, known: frozenset[str]) -> str:
    """The feature's name with every branch id outside `known` read as RARE_BRANCH.

    >>> generalise("cascade&entity.ranking", frozenset({"entity.np_before"}))
    'cascade&entity.rare'
    >>> generalise("b=entity.np_before&cascade=entity.np_before", frozenset({"entity.np_before"}))
    'b=entity.np_before&cascade=entity.np_before'
    """
    if "entity." not in feature:
        return feature
    return BRANCH_ID.sub(lambda m: m.group() if m.group() in known else RARE_BRANCH, feature)


@dataclass(frozen=True, slots=True)
class EntityModel:
    """A linear model over candidate features: the candidate of highest score is the entity.

    When the fit listed the branch ids it was fitted on (`meta["branches"]`), the features of any
    other branch are read as those of RARE_BRANCH (`generalise`)."""

    weights: dict[str, float]
    meta: dict[str, Any] = field(default_factory=dict)
    #: each feature's name as the weights know it (filled as features are seen)
    names: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    known: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "known", frozenset(self.meta.get("branches", ())))

    def score(self, features: list[str]) -> float:
        """The score of a candidate: the sum of its features' weights."""
        weights = self.weights
        if "branches" not in self.meta:
            return sum(weights.get(f, 0.0) for f in features)
        names = self.names
        total = 0.0
        for f in features:
            name = names.get(f)
            if name is None:
                name = names[f] = generalise(f, self.known)
            total += weights.get(name, 0.0)
        return total

    def choose(self, candidates: list[Candidate]) -> Candidate:
        """The candidate of highest score (the earlier on a tie: the cascade's choice comes first)."""
        best, best_score = candidates[0], self.score(candidates[0].features)
        for candidate in candidates[1:]:
            value = self.score(candidate.features)
            if value > best_score:
                best, best_score = candidate, value
        return best

    def to_json(self) -> str:
        """The model as a JSON document (weights sorted by feature, rounded to 6 digits)."""
        data = {
            "format": "zhclaims.entity_model",
            "features_version": FEATURES_VERSION,
            "meta": self.meta,
            "weights": {k: round(v, 6) for k, v in sorted(self.weights.items()) if round(v, 6) != 0},
        }
        return json.dumps(data, ensure_ascii=False, indent=0, sort_keys=False) + "\n"


def load_model(path: Path | str) -> EntityModel:
    """Read an entity model file; a file of another format or feature version is a ValueError naming it."""
    return _load_model(str(path), Path(path).stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _load_model(path: str, stamp: int) -> EntityModel:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != "zhclaims.entity_model":
        raise ValueError(f"{path}: not a zhclaims entity model")
    if data.get("features_version") != FEATURES_VERSION:
        raise ValueError(f"{path}: entity model of feature version {data.get('features_version')}, this version reads {FEATURES_VERSION}; retrain it with `zhclaims train`")
    weights = {str(k): float(v) for k, v in data.get("weights", {}).items()}
    return EntityModel(weights, dict(data.get("meta", {})))


def find_model(dirs: list[Path], setting: str = "auto") -> Path | None:
    """The model file a setting names: `auto` the last `entity_model.json` of the rule directories,
    `none` none (the rule cascade), else the path given."""
    if setting == "none":
        return None
    if setting != "auto":
        return Path(setting)
    found = [Path(d) / MODEL_FILE for d in dirs if (Path(d) / MODEL_FILE).is_file()]
    return found[-1] if found else None
