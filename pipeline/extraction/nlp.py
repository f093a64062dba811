"""The spaCy `zh` pipeline: a private jieba tokenizer, the place/organisation span ruler, claims.

spaCy's own zh tokenizer calls the *global* jieba instance, so a user dictionary loaded anywhere
would change segmentation for the whole process; this tokenizer owns a `jieba.Tokenizer`.
Wiring is data: `pipeline/extraction/config.cfg` names the tokenizer and the component order, and its
`[initialize]` section the rule directories (`dirs`, `builtin`) that `nlp.initialize()` reads.

The tokenizer is given the rules at `initialize` (or restored by `from_disk`): their word lists go
into its dictionary, its quantity grammar finds the quantities first, so that only the sentences
holding one are segmented (five times faster on news text), and with `convert = true` a text in
traditional characters is converted as the cleaning stage converts it (OpenCC `t2s` and the
`[[t2s_fix]]` rules) before anything else, so `nlp(text)` gives the claims `zhclaims extract` does.
It leaves the quantities on the Doc as data: `doc.spans["zhclaims_quantities"]` (label = kind) and
`doc.user_data["zhclaims.quantities"]` (plain dicts, so `doc.to_bytes()` and `DocBin` work).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import regex

from .libraries import import_spacy

import_spacy()  # spaCy without its command line, before any module of it (see libraries)
import numpy  # noqa: E402
import spacy  # noqa: E402
from spacy.attrs import SENT_START, TAG  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc  # noqa: E402
from spacy.util import get_words_and_spaces, registry  # noqa: E402
from spacy.vocab import Vocab  # noqa: E402

from .numbers import numeral_chars
from .quantities import QUANTITIES_KEY, Quantity, QuantityMatcher
from ..rules import RuleSet, load_rules
from .segment import LookupTagger, load_dictionary

#: The taggers: jieba.posseg's joint HMM (new words tagged in context, slow) or segmentation as
#: jieba.lcut with tags looked up in jieba's dictionary (pipeline/extraction/segment.py, five times faster).
TAGGERS = ("posseg", "lookup")

CONFIG_PATH = Path(__file__).with_name("config.cfg")

#: The span group of the quantities the tokenizer found (label = kind, id = the rules behind it).
QUANTITY_SPANS = "zhclaims_quantities"

#: doc.user_data key of the Doc's text, left by the tokenizer for the components (which drop it).
TEXT_KEY = "zhclaims.text"


def punctuation(rules: RuleSet, use: str) -> str:
    """The marks of the rules' `punctuation` rules with this `use` (sentence_end, sentence_close), joined."""
    return "".join(mark for rule in rules.section("punctuation") if rule.get("use") == use for mark in rule.get("surface"))


def sentence_end_pattern(rules: RuleSet) -> regex.Pattern[str]:
    """One or more sentence-end marks with the closing marks right after them (the rules' one definition)."""
    ends, closers = regex.escape(punctuation(rules, "sentence_end")), regex.escape(punctuation(rules, "sentence_close"))
    return regex.compile(f"[{ends}]+[{closers}]*" if closers else f"[{ends}]+")


@cache
def builtin_sentence_end() -> regex.Pattern[str]:
    """`sentence_end_pattern` of the built-in rules (for code that has no rule set at hand)."""
    from ..rules import load_rules

    return sentence_end_pattern(load_rules())


@cache
def _splitter(end: str) -> regex.Pattern[str]:
    return regex.compile(f"{end}|\n")


def split_sentences(text: str, end: regex.Pattern[str] | None = None) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text`: each runs to a sentence end (`end`, default the
    built-in `punctuation` rules: 。！？, not a semicolon) or a line break.

    >>> split_sentences("甲。乙！\\n丙;丁")
    [(0, 2), (2, 4), (4, 5), (5, 8)]
    """
    spans = []
    pos = 0
    for match in _splitter((end or builtin_sentence_end()).pattern).finditer(text):
        spans.append((pos, match.end()))
        pos = match.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if e > s]


class JiebaTokenizer:
    """Segment text with a private jieba tokenizer and tag words with jieba's part of speech;
    find the quantities first and segment only their sentences (see the module docstring)."""

    def __init__(
        self, vocab: Vocab, *, segment_all: bool = False, hmm: bool = True, tagger: str = "posseg", convert: bool = True
    ) -> None:
        from .libraries import import_jieba

        jieba = import_jieba()  # without pkg_resources (see libraries)
        if tagger not in TAGGERS:
            raise ValueError(f"tagger must be one of {', '.join(TAGGERS)}, not {tagger!r}")
        jieba.setLogLevel(logging.WARNING)
        self.vocab = vocab
        self.segment_all = segment_all
        self.hmm = hmm
        self.tagger = tagger
        self.convert = convert
        self._jieba = jieba.Tokenizer()
        if tagger == "posseg":
            import jieba.posseg

            self._jieba.initialize()
            self._pos = jieba.posseg.POSTokenizer(self._jieba)
            self._tags = self._pos.word_tag_tab
        else:
            self._pos = None
        self._dictionary = None if tagger == "posseg" else load_dictionary(self._jieba)
        if self._dictionary is not None:
            self._tags = self._dictionary.tags
        self._lookup = LookupTagger(self._jieba, self._tags, hmm=hmm, dictionary=self._dictionary)
        #: dictionary words segmented since the last keep_words, and those it gave a lexeme for good
        self._new_words: set[str] = set()
        self._kept_words: set[str] = set()
        #: The rule set given at initialize (or restored by from_disk); None before.
        self.rules: RuleSet | None = None
        #: The quantity grammar of the rules: only sentences with a quantity are segmented.
        self.matcher: QuantityMatcher | None = None
        #: The rules' sentence end (`punctuation`), set at initialize; the built-in rules' before.
        self.sentence_end: regex.Pattern[str] | None = None

    def initialize(
        self,
        get_examples=None,
        *,
        nlp: Language | None = None,
        rules: Any = None,
        dirs: list[str] | None = None,
        builtin: bool = True,
        pkuseg_model: Any = None,
        pkuseg_user_dict: Any = None,
    ) -> None:
        """Take a rule set (a RuleSet, else the built-in rules unless `builtin` is false, then `dirs`):
        its word lists, quantity grammar and conversion fixes. (`pkuseg_*`: settings of spaCy's own zh
        tokenizer that spaCy's zh defaults add to `[initialize.tokenizer]`; not used.)"""
        if rules is None:
            rules = cached_rules(tuple(str(d) for d in dirs or ()), builtin)
        # the word lists of every directory, in order, as one list (its frequencies are cached as one)
        self.add_words([
            entry
            for directory in rules.dirs
            for path in sorted(Path(directory).glob("*.txt"))
            for entry in _division_tags(read_word_list(path))
        ])
        self.matcher = QuantityMatcher(rules)
        # measure words by their tag ([[counter_tag]]); a lazily read dictionary reads a text's words first
        self.matcher.use_lexicon(self.word_tags, self._dictionary.ensure if self._dictionary is not None else None)
        self.sentence_end = sentence_end_pattern(rules)
        self.rules = rules

    @property
    def word_tags(self) -> dict[str, str]:
        """word -> part-of-speech tag of this tokenizer's dictionary (jieba's and the rules' word lists)."""
        return self._tags

    def add_words(self, entries: Iterable[tuple[str, int | None, str | None]]) -> None:
        """Add words (word, frequency, tag) to this tokenizer's private dictionary."""
        if self._dictionary is not None:
            self._dictionary.add_words(list(entries))
            return
        for word, freq, tag in entries:
            self._jieba.add_word(word, freq, tag)
            if tag:
                self._tags[word] = tag

    def load_all(self) -> None:
        """Read the whole dictionary now (it is otherwise read per character as text needs it):
        before forking workers, so that they share it, and when `run.extract_text`'s warm-up ends."""
        if self._dictionary is not None:
            self._dictionary.load_all()

    def __call__(self, text: str) -> Doc:
        if self.rules is None:
            self.initialize()
        if self.convert:
            from ..text.convert import to_simplified

            text = to_simplified(text, self.rules)
        return self.tokenize(text)

    def tokenize(self, text: str) -> Doc:
        """The Doc of `text` as it is (no conversion): the composition gives clean text, converted already."""
        if self.rules is None:
            self.initialize()
        words: list[str] = []
        tags: list[str] = []
        sent_starts: list[bool] = []
        found = self.matcher.find(text) if self.matcher is not None else []
        starts = [q.start for q in found]
        for start, end in split_sentences(text, self.sentence_end):
            sentence = text[start:end]
            first = True
            if self.matcher is not None:
                at = bisect_left(starts, start)
                segment = self.segment_all or (at < len(starts) and starts[at] < end)
            else:
                # without a quantity finder, only a sentence with a numeral character (the class of
                # rules/numbers.toml) is cut into words: claims only live in sentences with numbers
                segment = self.segment_all or bool(numeral_chars().search(sentence))
            if segment:
                pieces = self._cut(sentence)
                if len(self._new_words) < NEW_WORDS_LIMIT:
                    known, kept = self._tags, self._kept_words
                    self._new_words.update(w for w, _ in pieces if w in known and w not in kept)
                if self.matcher is not None:
                    ends = []
                    j = at
                    while j < len(found) and found[j].start < end:  # the sentence's quantities
                        if start < found[j].end < end:
                            ends.append(found[j].end - start)
                        j += 1
                    if ends:
                        pieces = self._split_new_words(pieces, ends)
            else:
                pieces = [(sentence, "x")]
            for word, flag in pieces:
                words.append(word)
                tags.append(flag)
                sent_starts.append(first)
                first = False
        doc = self._make_doc(text, words, tags, sent_starts)
        if self.matcher is not None:
            set_quantities(doc, found)
        return doc

    def keep_words(self) -> None:
        """Give the dictionary words of the texts segmented since the last call a lexeme for good.

        `run.extract_text` calls it when a text's memory zone has ended: in the zone, spaCy made a
        lexeme of every word that was not in the vocabulary yet and dropped it with the zone, so a
        word that comes back in every article was made again in every article (more than a third
        of the new lexemes of a Hong Kong news batch, at ~10 µs each). Only dictionary words are
        kept, at most KEPT_WORDS of them, so memory stays bounded however many articles are read.
        """
        new, self._new_words = self._new_words, set()
        room = KEPT_WORDS - len(self._kept_words)
        if room <= 0 or not new:
            return
        vocab = self.vocab
        words = sorted(new)[:room]
        for word in words:
            vocab[word]  # noqa: B018  (outside a zone: the lexeme is made for good)
        self._kept_words.update(words)

    def _split_new_words(self, pieces: list[tuple[str, str]], ends: list[int]) -> list[tuple[str, str]]:
        """The words of a sentence with every word the HMM made up (no dictionary word) that runs
        over the end of a quantity cut there: a counter is no part of the word after it (口|靠,
        人|不获: the HMM joins unknown single characters); each piece is tagged as a word of its own."""
        out: list[tuple[str, str]] = []
        pos = 0
        for word, tag in pieces:
            cuts = [e - pos for e in ends if pos < e < pos + len(word)]
            if cuts and word not in self._tags:
                at = 0
                for cut in [*cuts, len(word)]:
                    piece = word[at:cut]
                    out.append((piece, self._tags.get(piece) or self._lookup.new_word_tag(piece)))
                    at = cut
            else:
                out.append((word, tag))
            pos += len(word)
        return out

    def cut(self, text: str) -> list[tuple[str, str]]:
        """The words of `text` with their jieba tags, for a line the Doc leaves uncut (no number in it)."""
        if self.rules is None:
            self.initialize()
        return self._cut(text)

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
            doc = self._annotated(Doc(self.vocab, words=words, spaces=[False] * len(words)), tags, sent_starts)
            doc.user_data[TEXT_KEY] = text  # doc.text, which spaCy joins from every token on each access
            return doc
        aligned, spaces = get_words_and_spaces(words, text)
        if len(aligned) != len(words):
            # whitespace tokens were folded into spaces: re-align tags and sentence starts
            tags, sent_starts = _realign(words, aligned, tags, sent_starts)
        return self._annotated(Doc(self.vocab, words=aligned, spaces=spaces), tags, sent_starts)

    def _annotated(self, doc: Doc, tags: list[str], sent_starts: list[bool]) -> Doc:
        """`doc` with its tokens' tags and sentence starts set in one `from_array`: what Doc(tags=...,
        sent_starts=...) sets, without its two Python loops over the tokens (half the cost of the Doc)."""
        if not len(doc):
            return doc
        strings = self.vocab.strings
        array = numpy.empty((len(doc), 2), dtype=numpy.uint64)
        # each distinct tag's string is added once per Doc, as Doc() adds it: an id kept across Docs
        # could name a string that a memory zone has freed since (its string came there as a word, "d")
        ids: dict[str, int] = {}
        array[:, 0] = [ids.get(tag) or ids.setdefault(tag, strings.add(tag)) for tag in tags]
        # a sentence start is 1, any other token -1 (spaCy's SENT_START values, as uint64)
        array[:, 1] = numpy.where(numpy.array(sent_starts, dtype=bool), numpy.uint64(1), numpy.uint64(2**64 - 1))
        doc.from_array([TAG, SENT_START], array)
        return doc

    # -- serialisation: the rule files and word lists in use, copied --------------------------
    def to_disk(self, path, *, exclude: Iterable[str] = ()) -> None:
        """Save the rule directories in use (rule files and word lists, in their order) below `path`."""
        if self.rules is None:
            self.initialize()
        assert self.rules is not None
        save_rules(self.rules, Path(path))

    def from_disk(self, path, *, exclude: Iterable[str] = ()) -> JiebaTokenizer:
        """Restore the rules saved by to_disk (validated again) and initialise with them."""
        self.initialize(rules=load_saved_rules(Path(path)))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """The rule files and word lists in use, as bytes (see to_disk)."""
        import srsly

        with tempfile.TemporaryDirectory() as folder:
            self.to_disk(folder)
            files = {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in sorted(Path(folder).rglob("*")) if p.is_file()}
        return srsly.msgpack_dumps(files)

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> JiebaTokenizer:
        """Restore what to_bytes saved (the rules are written to a folder of their own, kept for the process)."""
        import srsly

        folder = Path(tempfile.mkdtemp(prefix="zhclaims-rules-"))
        for name, text in srsly.msgpack_loads(data).items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return self.from_disk(folder)


#: The rules a saved tokenizer keeps: one folder per rule directory, in load order.
SAVED_RULES = "rules"


def save_rules(rules: RuleSet, path: Path) -> None:
    """Copy every rule file and word list of the rule set's directories to `path/rules/NN/`."""
    target = path / SAVED_RULES
    if target.exists():
        shutil.rmtree(target)
    for number, directory in enumerate(rules.dirs):
        folder = target / f"{number:02d}"
        folder.mkdir(parents=True)
        for source in sorted(Path(directory).iterdir()):
            if source.suffix in (".toml", ".txt", ".tsv") and source.is_file():
                shutil.copyfile(source, folder / source.name)


def load_saved_rules(path: Path) -> RuleSet:
    """The rule set saved by `save_rules` (the built-in rules as they were saved, not as installed now)."""
    folders = sorted(p for p in (path / SAVED_RULES).iterdir() if p.is_dir())
    return load_rules(folders, builtin=False)


def set_quantities(doc: Doc, quantities: Sequence[Quantity]) -> None:
    """Leave the quantities on the Doc as data: a span group and plain dicts in user_data."""
    spans = []
    for q in quantities:
        span = doc.char_span(q.start, q.end, label=q.kind, alignment_mode="expand")
        if span is not None:
            span.id_ = "+".join(q.rules)
            spans.append(span)
    doc.spans[QUANTITY_SPANS] = spans
    doc.user_data[QUANTITIES_KEY] = [quantity_to_data(q) for q in quantities]


def get_quantities(doc: Doc) -> list[Quantity] | None:
    """The quantities the tokenizer left on the Doc, or None when it did not look for them."""
    data = doc.user_data.get(QUANTITIES_KEY)
    if data is None:
        return None
    return [quantity_from_data(item) for item in data]


def quantity_to_data(q: Quantity) -> dict[str, Any]:
    """A quantity as serialisable data (numbers as exact strings)."""
    return {
        "start": q.start, "end": q.end, "text": q.text, "value": str(q.value),
        "high": None if q.high is None else str(q.high), "unit": q.unit, "kind": q.kind, "qualifier": q.qualifier,
        "rules": list(q.rules), "number_start": q.number_start, "number_end": q.number_end,
    }


def quantity_from_data(data: dict[str, Any]) -> Quantity:
    """The quantity of `quantity_to_data`'s dict (exact round trip)."""
    return Quantity(
        start=data["start"], end=data["end"], text=data["text"], value=Decimal(data["value"]),
        high=None if data["high"] is None else Decimal(data["high"]), unit=data["unit"], kind=data["kind"],
        qualifier=data["qualifier"], rules=tuple(data["rules"]), number_start=data["number_start"], number_end=data["number_end"],
    )


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


@registry.tokenizers("zhclaims.jieba_tokenizer.v2")
def create_jieba_tokenizer(segment_all: bool = False, hmm: bool = True, tagger: str = "lookup", convert: bool = True):
    """Registered factory of the private-jieba tokenizer (v2: finds quantities with its own rules, converts t2s)."""

    def make(nlp: Language) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab, segment_all=segment_all, hmm=hmm, tagger=tagger, convert=convert)

    return make


@Language.factory(
    "zhclaims_entities",
    assigns=["doc.ents"],
    default_config={"ents_filter": {"@misc": "spacy.first_longest_spans_filter.v1"}, "validate": True},
)
def make_entities(nlp: Language, name: str, ents_filter, validate: bool):
    """Places and organisations (`doc.ents`) of the `[[entity]]` rules: spaCy's SpanRuler writing
    entities only, run over the tokens a pattern can use (`entities.EntityRuler`); its patterns are
    given at initialize (reader `zhclaims.entity_patterns.v1`)."""
    from .entities import EntityRuler

    return EntityRuler(nlp, name, spans_key=None, annotate_ents=True, ents_filter=ents_filter, overwrite=True, validate=validate)


@registry.misc("zhclaims.entity_patterns.v1")
def create_entity_patterns(dirs: list[str] = [], builtin: bool = True) -> list[dict]:  # noqa: B006
    """Registered reader of the span-ruler patterns of a rule set's `[[entity]]` rules (a list, not a generator)."""
    return entity_patterns(cached_rules(tuple(str(d) for d in dirs), builtin))


def cached_rules(dirs: tuple[str, ...], builtin: bool = True) -> RuleSet:
    """`load_rules`, loaded once per directories, built-in flag and file times (a changed file is reloaded)."""
    stamps = []
    for directory in dirs:
        folder = Path(directory)
        if folder.is_dir():
            stamps.extend((str(p), p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.suffix in (".toml", ".txt"))
    return _cached_rules(dirs, builtin, tuple(stamps))


@lru_cache(maxsize=16)
def _cached_rules(dirs: tuple[str, ...], builtin: bool, stamps: tuple) -> RuleSet:
    return load_rules(list(dirs), builtin=builtin)


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
    import gc

    from .extract import make_claims  # noqa: F401  (registers the claims factory)

    # the build allocates some 10^6 long-lived objects (dictionary, compiled patterns); collecting
    # while they are made costs a fifth of the build and frees nothing
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(rules, segment_all=segment_all, tagger=tagger)
    finally:
        if collecting:
            gc.enable()


def _build(rules: RuleSet, *, segment_all: bool, tagger: str | None) -> Language:
    config = spacy.util.load_config(CONFIG_PATH)
    config["nlp"]["tokenizer"]["segment_all"] = segment_all
    if tagger is not None:
        config["nlp"]["tokenizer"]["tagger"] = tagger
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    shorten_lexeme_attrs(nlp)
    # what nlp.initialize() does with the config's [initialize] readers, with this rule set object
    nlp.tokenizer.initialize(nlp=nlp, rules=rules)  # type: ignore[union-attr]
    nlp.get_pipe("entities").initialize(lambda: [], nlp=nlp, patterns=entity_patterns(rules))
    nlp.get_pipe("claims").initialize(lambda: [], nlp=nlp, rules=rules)
    return nlp


#: Dictionary words `JiebaTokenizer.keep_words` gives a lexeme for good (~200 bytes each), and the
#: words it collects between two calls (bounded for a caller that never calls it).
KEPT_WORDS = 100_000
NEW_WORDS_LIMIT = 20_000

#: Words longer than this are the unsegmented sentences without a quantity (one token each):
#: their lexeme's shape and number-likeness are not computed (nothing reads them).
LONG_WORD = 24


class _ShortOnly:
    """A lexeme attribute getter that answers `long_value` for a word longer than LONG_WORD."""

    def __init__(self, getter: Callable[[str], Any], long_value: Any) -> None:
        self.getter = getter
        self.long_value = long_value

    def __call__(self, text: str) -> Any:
        return self.long_value if len(text) > LONG_WORD else self.getter(text)


class _Guarded:
    """A boolean lexeme attribute getter asked only when `may_hold(text)`; else False (what it answers then)."""

    def __init__(self, getter: Callable[[str], Any], may_hold: Callable[[str], bool]) -> None:
        self.getter = getter
        self.may_hold = may_hold

    def __call__(self, text: str) -> Any:
        return self.getter(text) if self.may_hold(text) else False


def _may_be_url(text: str) -> bool:
    """False for a word spaCy's `like_url` rejects at once: no "." and no http:// or https:// at its start."""
    return "." in text or text.startswith(("http://", "https://"))


@cache
def _number_starts() -> frozenset[str]:
    """The first characters of the number words of spaCy's zh `like_num` (empty when they cannot be read)."""
    try:
        from spacy.lang.zh import lex_attrs
    except ImportError:
        return frozenset()
    words = [*getattr(lex_attrs, "_single_num_words", []), *getattr(lex_attrs, "_count_num_words", [])]
    return frozenset(w[0] for w in words) if words and all(words) else frozenset()


def _may_be_number(text: str) -> bool:
    """False for a word spaCy's zh `like_num` rejects at once: once its sign and its , . ， 。 are
    dropped (as like_num drops them), it must begin with a digit or a number word's first character."""
    if text.startswith(("+", "-", "±", "~")):
        text = text[1:]
    first = text.lstrip(",.，。")[:1]
    return bool(first) and (first.isdigit() or first in _number_starts())


def shorten_lexeme_attrs(nlp: Language) -> None:
    """Skip spaCy's word shape and number test on the new lexeme of every unsegmented sentence, and
    its URL and number tests on a word that cannot be one.

    The tokenizer leaves a sentence without a quantity as one token, so a corpus makes a new
    lexeme of nearly every such sentence, and spaCy's `word_shape` and `like_num` were a twentieth
    of the run; no rule or component reads `shape_` or `like_num`. Spans of such a word answer
    "LONG" (as spaCy does from 100 characters) and False. `like_url` and `like_num` (a tenth of
    building the Docs of news text) answer as before: they are not asked about a word without "."
    or one that begins with no digit or number word.
    """
    from spacy.attrs import LIKE_NUM, LIKE_URL, SHAPE
    from spacy.lang.lex_attrs import like_url

    getters = nlp.vocab.lex_attr_getters
    # spaCy's like_url and the zh like_num, asked only of a word that may be one (the same values)
    if getters.get(LIKE_URL) is like_url:
        getters[LIKE_URL] = _Guarded(like_url, _may_be_url)
    try:
        from spacy.lang.zh.lex_attrs import like_num
    except ImportError:
        like_num = None
    if like_num is not None and getters.get(LIKE_NUM) is like_num and _number_starts():
        getters[LIKE_NUM] = _Guarded(like_num, _may_be_number)
    for attr, long_value in ((SHAPE, "LONG"), (LIKE_NUM, False)):
        getter = getters.get(attr)
        if getter is not None and not isinstance(getter, _ShortOnly):
            getters[attr] = _ShortOnly(getter, long_value)


def entity_patterns(rules: RuleSet) -> list[dict]:
    """Span-ruler patterns of the `[[entity]]` rules (label, pattern, id)."""
    patterns = []
    for rule in rules.section("entity"):
        patterns.append({"label": rule.get("label"), "pattern": rule.get("pattern"), "id": rule.id})
    return patterns
