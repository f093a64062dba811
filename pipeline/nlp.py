"""The spaCy `zh` pipeline: a private jieba tokenizer, the place/organisation span ruler, claims.

spaCy's own zh tokenizer calls the *global* jieba instance, so a user dictionary loaded anywhere
would change segmentation for the whole process; this tokenizer owns a `jieba.Tokenizer`.
Wiring is data: `pipeline/config.cfg` names the tokenizer and the component order.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Callable, Iterable
from pathlib import Path

import regex
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces, registry
from spacy.vocab import Vocab

from .quantities import QUANTITIES_KEY, Quantity
from .rules import RuleSet
from .segment import LookupTagger, dictionary_tags

#: The taggers: jieba.posseg's joint HMM (new words tagged in context, slow) or segmentation as
#: jieba.lcut with tags looked up in jieba's dictionary (pipeline/segment.py, five times faster).
TAGGERS = ("posseg", "lookup")

CONFIG_PATH = Path(__file__).with_name("config.cfg")

#: Without a quantity finder, a sentence is segmented into words only when it holds a digit or
#: numeral character; other sentences stay one token each (claims only live in sentences with numbers).
_NUMERIC = regex.compile(r"[0-9０-９零〇一二三四五六七八九十百千万亿两兩萬億半]")
_SENTENCE = regex.compile(r"[^。！？!?\n]*(?:[。！？!?]+[”’」』)]*|\n|$)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text` (ending at 。！？ or a line break).

    >>> split_sentences("甲。乙！\\n丙")
    [(0, 2), (2, 4), (4, 5), (5, 6)]
    """
    spans = []
    for match in _SENTENCE.finditer(text):
        if match.start() != match.end():
            spans.append((match.start(), match.end()))
    return spans


class JiebaTokenizer:
    """Segment text with a private jieba tokenizer and tag words with jieba's part of speech."""

    def __init__(self, vocab: Vocab, *, segment_all: bool = False, hmm: bool = True, tagger: str = "posseg") -> None:
        import jieba

        if tagger not in TAGGERS:
            raise ValueError(f"tagger must be one of {', '.join(TAGGERS)}, not {tagger!r}")
        jieba.setLogLevel(logging.WARNING)
        self.vocab = vocab
        self.segment_all = segment_all
        self.hmm = hmm
        self.tagger = tagger
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        if tagger == "posseg":
            import jieba.posseg

            self._pos = jieba.posseg.POSTokenizer(self._jieba)
            self._tags = self._pos.word_tag_tab
        else:
            self._pos = None
            self._tags = dictionary_tags(self._jieba)
        self._lookup = LookupTagger(self._jieba, self._tags, hmm=hmm)
        #: Set by build_nlp to the claims component's quantity finder: then only sentences with a
        #: quantity are segmented, and the quantities found are left in doc.user_data[QUANTITIES_KEY].
        self.quantity_finder: Callable[[str], list[Quantity]] | None = None

    def add_words(self, entries: Iterable[tuple[str, int | None, str | None]]) -> None:
        """Add words (word, frequency, tag) to this tokenizer's private dictionary."""
        for word, freq, tag in entries:
            self._jieba.add_word(word, freq, tag)
            if tag:
                self._tags[word] = tag

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        tags: list[str] = []
        sent_starts: list[bool] = []
        found = self.quantity_finder(text) if self.quantity_finder is not None else []
        starts = [q.start for q in found]
        for start, end in split_sentences(text):
            sentence = text[start:end]
            first = True
            if self.quantity_finder is not None:
                at = bisect_left(starts, start)
                segment = self.segment_all or (at < len(starts) and starts[at] < end)
            else:
                segment = self.segment_all or bool(_NUMERIC.search(sentence))
            if segment:
                pieces = self._cut(sentence)
            else:
                pieces = [(sentence, "x")]
            for word, flag in pieces:
                words.append(word)
                tags.append(flag)
                sent_starts.append(first)
                first = False
        doc = self._make_doc(text, words, tags, sent_starts)
        if self.quantity_finder is not None:
            doc.user_data[QUANTITIES_KEY] = found
        return doc

    def _cut(self, sentence: str) -> list[tuple[str, str]]:
        if self._pos is None:
            return self._lookup.cut(sentence)
        return [(p.word, p.flag) for p in self._pos.cut(sentence, HMM=self.hmm)]

    def _make_doc(self, text: str, words: list[str], tags: list[str], sent_starts: list[bool]) -> Doc:
        if not words:
            return Doc(self.vocab, words=[], spaces=[])
        if "".join(words) == text:
            # the sentences cover the text and jieba keeps every character, so the words are the
            # text exactly: no alignment (spaCy's get_words_and_spaces rejects words with inner spaces)
            return Doc(self.vocab, words=words, spaces=[False] * len(words), tags=tags, sent_starts=sent_starts)
        aligned, spaces = get_words_and_spaces(words, text)
        if len(aligned) != len(words):
            # whitespace tokens were folded into spaces: re-align tags and sentence starts
            tags, sent_starts = _realign(words, aligned, tags, sent_starts)
        return Doc(self.vocab, words=aligned, spaces=spaces, tags=tags, sent_starts=sent_starts)

    def to_bytes(self, **kwargs) -> bytes:  # pragma: no cover - nothing to save
        """The tokenizer keeps no state worth saving; dictionaries come from the rules."""
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> JiebaTokenizer:  # pragma: no cover
        """Nothing to restore (see to_bytes)."""
        return self

    def to_disk(self, path, **kwargs) -> None:  # pragma: no cover
        """Nothing to save (see to_bytes)."""

    def from_disk(self, path, **kwargs) -> JiebaTokenizer:  # pragma: no cover
        """Nothing to restore (see to_bytes)."""
        return self


def _realign(words, aligned, tags, sent_starts):
    out_tags: list[str] = []
    out_starts: list[bool] = []
    i = 0
    pending_start = False
    for word, tag, start in zip(words, tags, sent_starts):
        if i < len(aligned) and aligned[i] == word:
            out_tags.append(tag)
            out_starts.append(start or pending_start)
            pending_start = False
            i += 1
        else:
            pending_start = pending_start or start
    while len(out_tags) < len(aligned):
        out_tags.append("x")
        out_starts.append(False)
    if out_starts:
        out_starts[0] = True
    return out_tags, out_starts


@registry.tokenizers("zhclaims.jieba_tokenizer.v1")
def create_jieba_tokenizer(segment_all: bool = False, hmm: bool = True, tagger: str = "posseg"):
    """Registered factory of the private-jieba tokenizer."""

    def make(nlp: Language) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab, segment_all=segment_all, hmm=hmm, tagger=tagger)

    return make


def read_word_list(path: Path) -> list[tuple[str, int | None, str | None]]:
    """Read a jieba-style word list (every `*.txt` of a rules directory): `word [freq] [tag]` per line, `#` comments."""
    entries: list[tuple[str, int | None, str | None]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) > 3:
            raise ValueError(f"{path}:{number}: expected 'word [freq] [tag]', got {line!r}")
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        entries.append((parts[0], freq, tag))
    return entries


#: Tag of the places of the rules' word lists. jieba's own `ns` is too loose to be trusted as a
#: place (it tags 城市 and 镇街), so words listed in the rules get a tag of their own.
DIVISION_TAG = "nsd"


def _division_tags(entries):
    return [(word, freq, DIVISION_TAG if tag == "ns" else tag) for word, freq, tag in entries]


def build_nlp(rules: RuleSet, *, segment_all: bool = False, tagger: str | None = None) -> Language:
    """Build and initialise the pipeline of `config.cfg` with a rule set (`tagger` overrides the config's)."""
    from . import extract  # noqa: F401  (registers the claims factory)

    config = spacy.util.load_config(CONFIG_PATH)
    config["nlp"]["tokenizer"]["segment_all"] = segment_all
    if tagger is not None:
        config["nlp"]["tokenizer"]["tagger"] = tagger
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    tokenizer: JiebaTokenizer = nlp.tokenizer  # type: ignore[assignment]
    for directory in rules.dirs:
        for path in sorted(Path(directory).glob("*.txt")):
            tokenizer.add_words(_division_tags(read_word_list(path)))
    patterns = entity_patterns(rules)
    nlp.get_pipe("entities").initialize(lambda: [], nlp=nlp, patterns=patterns)
    claims = nlp.get_pipe("claims")
    claims.initialize(lambda: [], nlp=nlp, rules=rules)
    tokenizer.quantity_finder = claims.matcher.find
    return nlp


def entity_patterns(rules: RuleSet) -> list[dict]:
    """Span-ruler patterns of the `[[entity]]` rules (label, pattern, id)."""
    patterns = []
    for rule in rules.section("entity"):
        patterns.append({"label": rule.get("label"), "pattern": rule.get("pattern"), "id": rule.id})
    return patterns
