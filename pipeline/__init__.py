"""zhclaims: numeric claims out of Chinese news articles.

    import zhclaims
    for claim in zhclaims.extract("全镇新建农家书屋42个，比上年增加7个。"):
        print(claim.quantity, claim.value, claim.unit, claim.entity)    # 42个 42 个 农家书屋 ...

`extract` and `extract_file` run the whole pipeline (markup, boilerplate, conversion to simplified
characters, extraction) as `zhclaims extract` does; `load` gives the spaCy pipeline itself, built
once per rule set. Stages, one module each, are composed only in `run`: reader (bytes -> text),
markup and clean (boilerplate), convert (t2s), nlp (spaCy + jieba), extract (claims), score.
"""

from __future__ import annotations

import os
import sys
import threading
import types
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Union

from .claim import Claim

if TYPE_CHECKING:
    from spacy.language import Language

    from .rules import RuleSet

__version__ = "0.1.0"
__all__ = ["Claim", "extract", "extract_file", "load", "__version__"]

#: A rules directory of one's own, several (loaded on top of the built-in rules, in order), or a loaded RuleSet.
Rules = Union[str, os.PathLike, Sequence[Union[str, os.PathLike]], "RuleSet", None]

_pipelines: dict[int, tuple[RuleSet, Language]] = {}
_lock = threading.Lock()


def _ruleset(rules: Rules) -> RuleSet:
    from .extraction.nlp import cached_rules
    from .rules import RuleSet

    if isinstance(rules, RuleSet):
        return rules
    if rules is None:
        dirs: list = []
    elif isinstance(rules, (str, os.PathLike)):
        dirs = [rules]
    else:
        dirs = list(rules)
    return cached_rules(tuple(str(Path(d).resolve()) for d in dirs), True)


def load(rules: Rules = None) -> Language:
    """The spaCy pipeline with the built-in rules and `rules` on top; built once per rule set, then cached."""
    ruleset = _ruleset(rules)
    with _lock:
        cached = _pipelines.get(id(ruleset))
        if cached is None or cached[0] is not ruleset:
            from .extraction.nlp import build_nlp

            cached = _pipelines[id(ruleset)] = (ruleset, build_nlp(ruleset))
    return cached[1]


def extract(text: str, *, fmt: str = "txt", rules: Rules = None, date: str | None = None) -> list[Claim]:
    """The claims of one article's text (`fmt`: txt, md or html), cleaned and converted as `zhclaims extract` does;
    `date` (YYYY-MM-DD) dates the article when its dateline does not, as `extract --date`."""
    from .run import StageError, process_article
    from .text.corpus import Article

    nlp = load(rules)
    try:
        return process_article(Article("", text, fmt, "<text>"), nlp.tokenizer.rules, nlp, default_date=date).claims
    except StageError as exc:
        raise exc.error from None


def extract_file(path: str | os.PathLike, *, rules: Rules = None) -> list[Claim]:
    """The claims of one article file (.txt, .md, .html; UTF-8, GB18030 or Big5), as `zhclaims extract` gives them."""
    from .run import StageError, process_file

    nlp = load(rules)
    try:
        return process_file(Path(path), nlp.tokenizer.rules, nlp).claims
    except StageError as exc:
        raise exc.error from None


class _Package(types.ModuleType):
    """The package keeps `extract` as the API function: importing the submodule `extract.py` (which
    the import system records as an attribute of its package) must not replace it."""

    def __setattr__(self, name: str, value) -> None:
        if name == "extract" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
