"""Word segmentation with part-of-speech tags from jieba's dictionary (the fast tagger).

`jieba.posseg` finds words that are not in the dictionary with a joint segmentation-and-tagging
HMM whose Viterbi search runs over some 250 states per character, in Python; on report text it is
five times slower than `jieba.lcut`. This tagger splits text into blocks as `posseg` does, finds
words in Han text as `jieba.lcut` does (dictionary DAG, then jieba's 4-state HMM for runs of
unknown characters) and tags every word from the dictionary `posseg` reads; a word the HMM made up
gets `NEW_WORD_TAG`, or `vn` when it ends in a verb. Choose it or posseg with the tokenizer's
`tagger` setting (`pipeline/extraction/config.cfg`).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
import time
from collections.abc import Sequence
from math import log
from pathlib import Path

from ..cache import key_file, write_atomic

#: Tag of a word found by the HMM and absent from the dictionary: nearly always a name or a term
#: ("nw", new word: read as a noun wherever n* is, and usable in entity patterns as a name).
NEW_WORD_TAG = "nw"

# the character classes jieba.posseg uses, so that both taggers split text the same way
_HAN_BLOCK = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._]+)")
_SPACE = re.compile(r"(\r\n|\s)")
_HAN = re.compile(r"([\u4E00-\u9FD5]+)")
_ALNUM = re.compile(r"([\.0-9]+|[a-zA-Z0-9]+)")
_NUM = re.compile(r"[\.0-9]+")
_ENG = re.compile(r"[a-zA-Z0-9]+")


def dictionary_tags(tokenizer) -> dict[str, str]:
    """word -> tag of the dictionary of a `jieba.Tokenizer` (the table `jieba.posseg` loads from it),
    read without importing posseg, whose HMM tables the lookup tagger does not need (~90 MB)."""
    tags: dict[str, str] = {}
    with tokenizer.get_dict_file() as lines:
        for raw in lines:
            parts = raw.decode("utf-8").split()
            if len(parts) == 3:
                tags[parts[0]] = sys.intern(parts[2])
    return tags


class Dictionary:
    """The prefix dictionary (`tokenizer.FREQ`) and tag table of a private `jieba.Tokenizer`, read
    from a cache one first character at a time, as the text to segment needs them.

    jieba looks up only words that start at a character of the text it segments, so the words
    starting with the characters of a block are all it can use there (`ensure(block)` before
    segmenting it). Loading the 350,000 words at once costs a third of a second at every start;
    a sentence needs a few dozen characters' words. Words added with `add_word` keep their
    frequency and tag when their character's words are read later.

    A word added without a frequency gets the one jieba suggests, which needs the words of its
    characters: `add_words` keeps the frequencies it gave a list of words in the cache (keyed by
    the dictionary, the words added before and the list), so that the next start adds the rules'
    word lists without reading the words of some 400 characters.
    """

    def __init__(self, tokenizer, tags: dict[str, str], shards: dict[str, bytes] | None = None, key: str | None = None) -> None:
        self.tokenizer = tokenizer
        self.tags = tags
        self._shards = shards if shards is not None else {}
        self._added: dict[str, dict[str, tuple[int, str | None]]] = {}
        #: what the dictionary holds: its file (`key`) and the lists added since; None when unknown
        self._state = hashlib.sha1(key.encode()).hexdigest() if key else None

    def ensure(self, text: str) -> None:
        """Read the words that start with any character of `text` (once per character)."""
        shards = self._shards
        if not shards or shards.keys().isdisjoint(text):  # (one pass in C over the text)
            return
        for char in {char for char in text if char in shards}:  # (set.intersection(dict) would walk the dict)
            freq, tags = marshal.loads(shards.pop(char))
            self.tokenizer.FREQ.update(freq)
            self.tags.update(tags)
            for word, (count, tag) in self._added.get(char, {}).items():
                self.tokenizer.FREQ[word] = count
                if tag:
                    self.tags[word] = tag

    def load_all(self) -> None:
        """Read every word now (before forking workers, so that they share one dictionary; when a run's warm-up ends)."""
        self.ensure("".join(list(self._shards)))

    def add_word(self, word: str, freq: int | None, tag: str | None) -> None:
        """Add a word as `jieba.Tokenizer.add_word` does, kept over the cached words read later."""
        self._state = None  # (the frequencies of a later list depend on this word: not cached)
        self._add(word, freq, tag)

    def add_words(self, entries: Sequence[tuple[str, int | None, str | None]]) -> None:
        """Add words (word, frequency, tag) in order as `add_word` does, with the frequencies that a
        cache of the same list on the same dictionary holds."""
        entries = list(entries)
        path = None
        try:
            listed = marshal.dumps(entries) if self._state is not None else None
        except ValueError:  # (a frequency or tag of a type marshal cannot write): not cached
            listed = None
        if self._state is not None and listed is not None:
            state = hashlib.sha1(self._state.encode() + listed).hexdigest()
            path = key_file("jieba-words", state)
            try:
                freqs = marshal.loads(path.read_bytes())
            except (OSError, ValueError, EOFError, TypeError):
                freqs = None
            if isinstance(freqs, list) and len(freqs) == len(entries) and all(type(f) is int for f in freqs):
                for (word, _, tag), freq in zip(entries, freqs):
                    self._add(word, freq, tag)
                self._state = state
                return
        freqs = []
        for word, freq, tag in entries:
            self._add(word, freq, tag)
            freqs.append(self.tokenizer.FREQ[word])
        self._state = None
        if path is not None and write_atomic(path, marshal.dumps(freqs)):
            self._state = state

    def _add(self, word: str, freq: int | None, tag: str | None) -> None:
        if freq is None:
            self.ensure(word)  # jieba suggests a frequency by segmenting the word
        self.tokenizer.add_word(word, freq, tag)
        if tag:
            self.tags[word] = tag
        self._added.setdefault(word[0], {})[word] = (self.tokenizer.FREQ[word], tag)


def load_dictionary(tokenizer) -> Dictionary:
    """Initialise a fresh `jieba.Tokenizer` from the zhclaims cache (words read per first character,
    see Dictionary), or as jieba does, with its tag table, and then write the cache.

    The cache is keyed by the dictionary file's path, size and time and by jieba's version; a cache
    that cannot be written or read is skipped, never an error.
    """
    from .libraries import import_jieba

    jieba = import_jieba()  # without pkg_resources (see libraries)
    if tokenizer.dictionary is None:  # jieba's own dictionary, read from its package
        source = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    else:
        source = Path(tokenizer.dictionary)
    try:
        stat = source.stat()
        key = f"v3|{source}|{stat.st_size}|{stat.st_mtime_ns}|{jieba.__version__}|{sys.version_info[:2]}"
    except OSError:
        key = None
    path = key_file("jieba", key) if key else None
    if path is not None and path.is_file():
        try:
            total, shards = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            pass
        else:
            try:
                os.utime(path)  # its time is its last use (prune_dictionary_caches keeps the latest)
            except OSError:  # a cache read-only to this user, or just pruned by another process
                pass
            tokenizer.FREQ, tokenizer.total, tokenizer.initialized = {}, total, True
            return Dictionary(tokenizer, {}, shards, key)
    tokenizer.initialize()
    words = {word: word for word in tokenizer.FREQ}
    # the tag table keyed by the prefix dictionary's own strings: marshal writes each word once
    tags = {words.get(word, word): tag for word, tag in dictionary_tags(tokenizer).items()}
    if path is not None:
        by_char: dict[str, tuple[dict[str, int], dict[str, str]]] = {}
        for word, count in tokenizer.FREQ.items():
            by_char.setdefault(word[0], ({}, {}))[0][word] = count
        for word, tag in tags.items():
            by_char.setdefault(word[0], ({}, {}))[1][word] = tag
        shards = {char: marshal.dumps(pair) for char, pair in by_char.items()}
        write_atomic(path, marshal.dumps((tokenizer.total, shards)))
        prune_dictionary_caches(path.parent)
    return Dictionary(tokenizer, tags, None, key)


#: Dictionary caches kept in the cache folder: one is written per installation and dictionary
#: version (13 MB each), the older ones are deleted when a new one is written.
KEPT_CACHES = 4

_DICTIONARY_CACHE = re.compile(r"^jieba-[0-9a-f]{16}\.marshal$")

#: Age after which a temporary file of a cache write is left over from a process that died.
STALE_TEMP_SECONDS = 24 * 3600


def prune_dictionary_caches(folder: Path, keep: int = KEPT_CACHES) -> list[Path]:
    """Delete all but the `keep` most recently used dictionary caches of `folder`, and temporary
    files of writes older than a day; the deleted paths. A file that cannot be read or deleted is
    left; never an error."""
    try:
        caches = [p for p in folder.iterdir() if _DICTIONARY_CACHE.match(p.name)]
        caches.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return []
    try:  # a write cut short (a killed process) leaves its temporary file: gone after a day
        now = time.time()
        stale = [p for p in folder.glob("*.tmp") if now - p.stat().st_mtime > STALE_TEMP_SECONDS]
    except OSError:
        stale = []
    deleted = []
    for old in caches[keep:] + stale:
        try:
            old.unlink()
            deleted.append(old)
        except OSError:
            pass
    return deleted


def _best_route(tokenizer, block: str) -> list[tuple[float, int]]:
    """jieba's `calc(block, get_DAG(block), route)` in one function, the same arithmetic in the same
    order (so the same route): for each position, the end of its word on the most probable path
    (`route[i][1]`). jieba's two methods, a generator per character, were a twentieth of the run.
    """
    if not tokenizer.initialized:
        tokenizer.initialize()
    freq = tokenizer.FREQ
    n = len(block)
    dag: list[list[int]] = []
    for k in range(n):
        ends = []
        i = k
        frag = block[k]
        while i < n and frag in freq:
            if freq[frag]:
                ends.append(i)
            i += 1
            frag = block[k : i + 1]
        dag.append(ends or [k])
    logtotal = log(tokenizer.total)
    route: list[tuple[float, int]] = [(0, 0)] * (n + 1)
    for idx in range(n - 1, -1, -1):
        best = None
        for x in dag[idx]:
            # (log(freq) - logtotal) + route, as jieba adds them; ties go to the longer word, as max() of the tuples
            candidate = (log(freq.get(block[idx : x + 1]) or 1) - logtotal + route[x + 1][0], x)
            if best is None or candidate > best:
                best = candidate
        route[idx] = best  # type: ignore[assignment]
    return route


class LookupTagger:
    """`cut(sentence)` -> [(word, tag)], for a (private) `jieba.Tokenizer` and its tag table;
    with `hmm=False` unknown runs stay single characters (no new words), as `jieba.lcut(HMM=False)`."""

    def __init__(self, tokenizer, tags: dict[str, str], *, hmm: bool = True, dictionary: Dictionary | None = None) -> None:
        import jieba.finalseg

        self._tokenizer = tokenizer
        self._tags = tags
        self._hmm = hmm
        self._hmm_cut = jieba.finalseg.cut
        #: the words of a block's characters are read from the cache before it is segmented
        self._ensure = dictionary.ensure if dictionary is not None else None

    def cut(self, sentence: str) -> list[tuple[str, str]]:
        """Words and tags of `sentence`; the words concatenate to it exactly.

        >>> import jieba
        >>> t = jieba.Tokenizer(); t.initialize()
        >>> LookupTagger(t, {"党组织": "nt", "个": "q"}).cut("166个党组织")
        [('166', 'm'), ('个', 'q'), ('党组织', 'nt')]
        """
        out: list[tuple[str, str]] = []
        for block in _HAN_BLOCK.split(sentence):
            if not block:
                continue
            if _HAN_BLOCK.match(block):
                self._cut_block(block, out)
                continue
            for piece in _SPACE.split(block):
                if _SPACE.match(piece):
                    out.append((piece, "x"))
                else:
                    for char in piece:
                        out.append((char, "m" if _NUM.match(char) else "eng" if _ENG.match(char) else "x"))
        return out

    def _cut_block(self, block: str, out: list[tuple[str, str]]) -> None:
        """Dictionary route through the block; runs of single characters go to `_cut_unknown`."""
        tokenizer, tags = self._tokenizer, self._tags
        if self._ensure is not None:
            self._ensure(block)
        route = _best_route(tokenizer, block)
        position, run = 0, ""
        while position < len(block):
            end = route[position][1] + 1
            if end - position == 1:
                run += block[position]
            else:
                if run:
                    self._cut_unknown(run, out)
                    run = ""
                word = block[position:end]
                out.append((word, tags.get(word, "x")))
            position = end
        if run:
            self._cut_unknown(run, out)

    def new_word_tag(self, word: str) -> str:
        """The tag of a word absent from the dictionary (one the HMM made up): a verbal noun `vn` when
        it ends in a verb (尽建, 套转: Chinese compounds are head-final; `vn` stays inside noun
        phrases but is no name), else a new word (`NEW_WORD_TAG`, mostly a name); one character:
        its dictionary tag, else `x`."""
        if len(word) == 1:
            return self._tags.get(word, "x")
        if len(word) == 2 and self._tags.get(word[0], "").startswith("v") and self._tags.get(word[1], "").startswith("q"):
            return "v"  # 赚|个, 吃|顿: a verb and the classifier of its object (赚个600元), no name
        return "vn" if self._tags.get(word[-1], "").startswith("v") else NEW_WORD_TAG

    def _cut_unknown(self, run: str, out: list[tuple[str, str]]) -> None:
        """A run of single-character words: kept as characters if the run is a known word, else the HMM's words."""
        tags = self._tags
        if len(run) == 1 or self._tokenizer.FREQ.get(run):
            out.extend((char, tags.get(char, "x")) for char in run)
            return
        for piece in _HAN.split(run):
            if not piece:
                continue
            if _HAN.match(piece):
                for word in self._hmm_cut(piece) if self._hmm else piece:
                    out.append((word, tags.get(word) or self.new_word_tag(word)))
            else:
                for part in _ALNUM.split(piece):
                    if part:
                        out.append((part, "m" if _NUM.match(part) else "eng" if _ENG.match(part) else "x"))
