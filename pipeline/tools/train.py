"""Training and article-level cross-validation of the learned entity choice (`zhclaims train`, `zhclaims cv`).

Every labelled article (a gold directory: `<doc>.clean.txt` and `<doc>.claims.jsonl`) is run through
the claims component on its gold clean text with the rule cascade, keeping every claim's entity
candidates and their features (`extraction/candidates.py`). A predicted claim that matches a gold
claim (as the scorer matches them) labels its candidates: those equal to the gold entity are the
positives, else those that agree leniently (one contains the other). The model is a conditional
logit, a softmax over the candidates of each claim, with an L2 penalty, fitted by L-BFGS in numpy
(already a dependency of spaCy; the fit is deterministic). Inference needs no numpy.

Cross-validation is by article: each article is scored by a model trained on the other articles
only (leave one article out), with the pipeline run again on it with that model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..claim import Claim
from ..evaluation.score import ClaimScore, GoldDoc, entity_lenient, load_gold, match_claims, score_claims
from ..extraction.candidates import BRANCH_ID, FEATURES_VERSION, EntityModel, generalise
from ..rules import RuleSet

#: L2 penalty of the fit (per feature weight), and the fewest claims a feature must occur in to be kept.
L2 = 10.0
MIN_CLAIMS = 2
#: The fewest articles whose candidates a branch id must come from to have weights of its own; the
#: rarer ones (and, when the model is used, any branch it was not fitted on) share those of
#: `candidates.RARE_BRANCH`.
RARE_ARTICLES = 3


@dataclass(slots=True)
class LabelledArticle:
    """One labelled article: its set (the gold directory's label), gold, the cascade's claims and their candidates."""

    doc: str
    group: str
    gold: GoldDoc
    claims: list[Claim]
    candidates: list[list[tuple[str | None, list[str], bool, list[str]]]]
    #: per claim: the gold claim it matches (index) or None
    gold_of: list[int | None] = field(default_factory=list)


def set_label(directory: Path) -> str:
    """A gold directory's label: its name, or its parent's when it is called `gold` (../shared/dev/gold → dev)."""
    directory = Path(directory)
    return directory.parent.name if directory.name == "gold" and directory.parent.name else directory.name


def claims_with_candidates(text: str, nlp) -> tuple[list[Claim], list[list]]:
    """The claims of a clean text and each claim's entity candidates, in chunks as `run.extract_text` cuts it."""
    from ..extraction.extract import CANDIDATES_KEY
    from ..run import analyse, split_chunks, structure_above

    claims: list[Claim] = []
    candidates: list[list] = []
    for start, end in split_chunks(text):
        lead = structure_above(text, start) if start else ""
        doc = analyse(lead + text[start:end], nlp)
        for claim, found in zip(doc._.claims, doc.user_data.get(CANDIDATES_KEY, []), strict=True):
            if claim.start < len(lead):
                continue
            claim.start += start - len(lead)
            claim.end += start - len(lead)
            claims.append(claim)
            candidates.append([tuple(c) for c in found])
    return claims, candidates


def collect(gold_dirs: Sequence[Path], rules: RuleSet, nlp=None) -> list[LabelledArticle]:
    """Run the cascade on the gold clean text of every article of the directories, keeping the candidates."""
    from ..run import load_nlp

    if nlp is None:
        nlp = load_nlp(rules)
    claims_pipe = nlp.get_pipe("claims")
    saved = claims_pipe.entity_model, claims_pipe.collect_candidates
    claims_pipe.entity_model, claims_pipe.collect_candidates = None, True
    articles: list[LabelledArticle] = []
    try:
        for directory in gold_dirs:
            label = set_label(directory)
            for doc, gold in sorted(load_gold(Path(directory)).items()):
                claims, candidates = claims_with_candidates(gold.clean_text, nlp)
                gold_of: list[int | None] = [None] * len(claims)
                for i, j in match_claims(claims, gold.claims, gold.clean_text, gold.clean_text):
                    gold_of[i] = j
                articles.append(LabelledArticle(doc, label, gold, claims, candidates, gold_of))
    finally:
        claims_pipe.entity_model, claims_pipe.collect_candidates = saved
    return articles


def labels(candidates: list[tuple], gold_entity: str | None) -> list[int]:
    """The positives among a claim's candidates: those equal to the gold entity, else those that
    agree with it leniently (none when none does).

    >>> labels([("失业率", [], True, []), ("调查失业率", [], False, []), (None, [], False, [])], "调查失业率")
    [0, 1, 0]
    >>> labels([("失业率", [], True, []), (None, [], False, [])], "城镇调查失业率")
    [1, 0]
    """
    exact = [int(text == gold_entity or (not text and not gold_entity)) for text, *_ in candidates]
    if any(exact):
        return exact
    return [int(entity_lenient(text, gold_entity)) for text, *_ in candidates]


def known_branches(articles: Sequence[LabelledArticle], min_articles: int = RARE_ARTICLES) -> frozenset[str]:
    """The branch ids found in the candidates' features of at least `min_articles` articles."""
    seen: Counter[str] = Counter()
    for article in articles:
        seen.update({b for found in article.candidates for c in found for f in c[3] if f.startswith(("b=", "cascade&")) for b in BRANCH_ID.findall(f)})
    return frozenset(b for b, n in seen.items() if n >= min_articles)


def fit(articles: Sequence[LabelledArticle], *, l2: float = L2, min_claims: int = MIN_CLAIMS, min_articles: int = RARE_ARTICLES, iterations: int = 200) -> EntityModel:
    """Fit the conditional logit on the matched claims of the articles that have a right candidate;
    a branch of fewer than `min_articles` articles is fitted as `candidates.RARE_BRANCH`."""
    import numpy as np

    known = known_branches(articles, min_articles)
    groups: list[tuple[list[list[str]], list[int]]] = []
    support: Counter[str] = Counter()
    for article in articles:
        for found, j in zip(article.candidates, article.gold_of):
            if j is None:
                continue
            y = labels(found, article.gold.claims[j].entity)
            if not any(y) or all(y):
                continue  # nothing to learn: no right candidate, or all are right
            feats = [list(dict.fromkeys(generalise(f, known) for f in c[3])) for c in found]
            groups.append((feats, y))
            support.update({f for fs in feats for f in fs})
    names = sorted(f for f, n in support.items() if n >= min_claims)
    meta = {
        "claims": len(groups), "articles": len(articles), "l2": l2, "features": len(names), "features_version": FEATURES_VERSION,
        "branches": sorted(known),
    }
    if not groups or not names:
        return EntityModel({}, meta)
    index = {f: k for k, f in enumerate(names)}
    rows, cols, label, starts = [], [], [], []
    r = 0
    for feats, y in groups:
        starts.append(r)
        for fs, yes in zip(feats, y):
            for f in fs:
                k = index.get(f)
                if k is not None:
                    rows.append(r)
                    cols.append(k)
            label.append(yes)
            r += 1
    rows_a, cols_a = np.array(rows), np.array(cols)
    y_a = np.array(label, dtype=float)
    starts_a = np.array(starts)
    group_of = np.repeat(np.arange(len(starts)), np.diff(np.append(starts_a, r)))
    n_rows, n_feats = r, len(names)

    def loss_grad(w):
        s = np.bincount(rows_a, weights=w[cols_a], minlength=n_rows)
        # log-sum-exp over all candidates and over the right ones, each shifted by its own maximum
        top = np.maximum.reduceat(s, starts_a)
        e = np.exp(s - top[group_of])
        total = np.add.reduceat(e, starts_a)
        s_right = np.where(y_a > 0, s, -np.inf)
        top_right = np.maximum.reduceat(s_right, starts_a)
        e_right = np.exp(s_right - top_right[group_of])
        right = np.add.reduceat(e_right, starts_a)
        loss = float(np.sum(np.log(total) + top - np.log(right) - top_right)) + 0.5 * l2 * float(w @ w)
        g_s = e / total[group_of] - e_right / right[group_of]
        grad = np.bincount(cols_a, weights=g_s[rows_a], minlength=n_feats) + l2 * w
        return loss, grad

    w = _lbfgs(loss_grad, np.zeros(n_feats), iterations)
    weights = {name: float(value) for name, value in zip(names, w) if abs(value) >= 1e-6}
    return EntityModel(weights, meta)


def _lbfgs(loss_grad: Callable, w, iterations: int, memory: int = 10, tolerance: float = 1e-6):
    """Minimise a smooth convex function by L-BFGS with a backtracking (Armijo) line search."""
    import numpy as np

    loss, grad = loss_grad(w)
    s_list: list = []
    y_list: list = []
    for _ in range(iterations):
        # two-loop recursion: the direction -H·grad
        q = grad.copy()
        alphas = []
        for s, y in reversed(list(zip(s_list, y_list))):
            rho = 1.0 / float(y @ s)
            a = rho * float(s @ q)
            alphas.append((rho, a))
            q -= a * y
        if s_list:
            q *= float(s_list[-1] @ y_list[-1]) / float(y_list[-1] @ y_list[-1])
        for (s, y), (rho, a) in zip(zip(s_list, y_list), reversed(alphas)):
            b = rho * float(y @ q)
            q += (a - b) * s
        direction = -q
        slope = float(grad @ direction)
        if slope >= 0:
            direction, slope = -grad, -float(grad @ grad)
        step = 1.0
        while True:
            new_w = w + step * direction
            new_loss, new_grad = loss_grad(new_w)
            if new_loss <= loss + 1e-4 * step * slope or step < 1e-10:
                break
            step *= 0.5
        s, y = new_w - w, new_grad - grad
        if float(s @ y) > 1e-12:
            s_list.append(s)
            y_list.append(y)
            if len(s_list) > memory:
                s_list.pop(0)
                y_list.pop(0)
        done = abs(loss - new_loss) <= tolerance * max(1.0, abs(loss))
        w, loss, grad = new_w, new_loss, new_grad
        if done or float(np.max(np.abs(grad))) < 1e-6:
            break
    return w


def extract_with(article: LabelledArticle, nlp, model: EntityModel | None) -> list[Claim]:
    """The claims of an article's gold clean text with this model choosing the entity (None: the cascade)."""
    from ..run import extract_text

    claims_pipe = nlp.get_pipe("claims")
    saved = claims_pipe.entity_model
    claims_pipe.entity_model = model
    try:
        return extract_text(article.gold.clean_text, article.doc, nlp)
    finally:
        claims_pipe.entity_model = saved


def score_article(article: LabelledArticle, claims: list[Claim]) -> ClaimScore:
    """The claim score of an article's predictions on its gold clean text."""
    return score_claims(claims, article.gold.claims, article.gold.clean_text, article.gold.clean_text)[0]


@dataclass(slots=True)
class CvResult:
    """Per article: the cascade's score and the held-out learned choice's score."""

    cascade: dict[str, ClaimScore] = field(default_factory=dict)
    learned: dict[str, ClaimScore] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)


def cross_validate(articles: Sequence[LabelledArticle], nlp, *, test: Sequence[LabelledArticle] = (), l2: float = L2, progress: Callable[[str], None] | None = None) -> CvResult:
    """Leave one article out over `articles` (each scored by a model fitted on the others); with
    `test`, one model fitted on all of `articles` scores each test article instead."""
    result = CvResult()
    if test:
        model = fit(articles, l2=l2)
        scored = [(a, model) for a in test]
    else:
        scored = [(a, fit([b for b in articles if b is not a], l2=l2)) for a in articles]
    for article, model in scored:
        key = f"{article.group}/{article.doc}"
        result.groups[key] = article.group
        result.cascade[key] = score_article(article, article.claims)
        result.learned[key] = score_article(article, extract_with(article, nlp, model))
        if progress:
            progress(key)
    return result


def _row(label: str, gold: int, cascade: ClaimScore, learned: ClaimScore) -> str:
    def f(value: float | None) -> str:
        return "  -  " if value is None else f"{value:.3f}"

    return (
        f"| {label} | {gold} | {f(cascade.accuracy('entity_lenient'))} → {f(learned.accuracy('entity_lenient'))} "
        f"| {f(cascade.accuracy('entity_exact'))} → {f(learned.accuracy('entity_exact'))} "
        f"| {f(cascade.claim[2])} → {f(learned.claim[2])} |"
    )


def format_cv(result: CvResult, genres: dict[str, str] | None = None) -> str:
    """A Markdown table of entity lenient, entity exact and claim F1, cascade → learned, by set, by genre and overall."""
    genres = genres or {}
    lines = ["| articles | gold claims | entity lenient | entity exact | claim F1 |", "| --- | --- | --- | --- | --- |"]

    def add(label: str, keys: list[str]) -> None:
        cascade = sum((result.cascade[k] for k in keys), ClaimScore())
        learned = sum((result.learned[k] for k in keys), ClaimScore())
        lines.append(_row(label, cascade.gold, cascade, learned))

    keys = list(result.cascade)
    for group in dict.fromkeys(result.groups.values()):
        add(f"set {group}", [k for k in keys if result.groups[k] == group])
    by_genre: dict[str, list[str]] = {}
    for k in keys:
        genre = genres.get(k) or genres.get(k.split("/", 1)[1])
        if genre:
            by_genre.setdefault(genre, []).append(k)
    for genre, members in sorted(by_genre.items()):
        add(f"genre {genre}", members)
    add("all", keys)
    return "\n".join(lines)


def cv_to_dict(result: CvResult) -> dict[str, Any]:
    """The per-article figures as plain data (for --json)."""
    out: dict[str, Any] = {}
    for key in result.cascade:
        out[key] = {
            mode: {
                "gold": score.gold,
                "entity_lenient": score.accuracy("entity_lenient"),
                "entity_exact": score.accuracy("entity_exact"),
                "claim_f1": score.claim[2],
            }
            for mode, score in (("cascade", result.cascade[key]), ("learned", result.learned[key]))
        }
    return out
