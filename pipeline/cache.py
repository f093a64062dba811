"""What zhclaims keeps between runs in the user's cache directory, to start faster.

`cache_dir()` is where (the jieba dictionary of `extraction/segment.py` is cached there too).

`parsed_rule_files()` holds the rule files as `tomllib` read them, by the SHA-1 of their text
(parsing the built-in rules took a tenth of a second at every start).

`known_patterns()` holds the rule pattern sources that are known to compile under the installed
`regex` and Python, each with what `prefilter.required_chars` reads from it: `RulePattern`
compiles such a pattern when it is first used instead of when the rules are loaded (compiling
every pattern at load was a third of the start-up of `zhclaims explain`, and a short text needs
few of them). A pattern not in the set is compiled at once, as before, so that a pattern that does
not compile is still reported at load with its file and line; the set is written at exit. A cache
that cannot be read or written is skipped, never an error.
"""

from __future__ import annotations

import atexit
import hashlib
import marshal
import os
import sys
import tempfile
import threading
from pathlib import Path

#: The format of the files of the stores below: a new number makes every old file unused.
FORMAT = 1


def cache_dir() -> Path:
    """Where compiled data is cached: $ZHCLAIMS_CACHE, else $XDG_CACHE_HOME/zhclaims, else ~/.cache/zhclaims."""
    if os.environ.get("ZHCLAIMS_CACHE"):
        return Path(os.environ["ZHCLAIMS_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "zhclaims"


def write_atomic(path: Path, data: bytes) -> bool:
    """Write a cache file whole (a temporary file renamed over it); False when it cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError:
        return False
    return True


def key_file(name: str, key: str) -> Path:
    """The cache file of a named kind of data for a key (its SHA-1 in the name): NAME-0123456789abcdef.marshal."""
    return cache_dir() / f"{name}-{hashlib.sha1(key.encode()).hexdigest()[:16]}.marshal"


def _patterns_file() -> Path | None:
    """The file of the known patterns of this `regex`, Python and prefilter (None when they cannot be told)."""
    try:
        import regex

        from . import prefilter

        # what required_chars gives depends on its code and on the standard library's parser
        code = hashlib.sha1(Path(prefilter.__file__).read_bytes()).hexdigest()
        key = f"{FORMAT}|{regex.__version__}|{sys.version_info[:3]}|{code}"
    except (OSError, AttributeError, TypeError):
        return None
    return key_file("patterns", key)


class Store:
    """A table of marshal-able values in one file of the cache directory: read when first asked,
    what is added written at exit (or by `save`).

    A file that cannot be read is an empty table; one that cannot be written is left as it was.
    When the table outgrows `limit` entries (rule files edited again and again), only what this
    process asked for or added is written.
    """

    def __init__(self, path: Path | None, limit: int = 10_000) -> None:
        self.path = path
        self.limit = limit
        self._known: dict | None = None
        self._new: dict = {}
        self._used: set = set()
        self._lock = threading.Lock()
        self._exit_hook = False

    def _read(self) -> dict:
        if self.path is not None:
            try:
                data = marshal.loads(self.path.read_bytes())
            except (OSError, ValueError, EOFError, TypeError):
                data = None
            if isinstance(data, dict):
                return data
        return {}

    def get(self, key):
        """The value of `key`, or None."""
        if self._known is None:
            with self._lock:
                if self._known is None:
                    self._known = self._read()
        value = self._known.get(key)
        if value is None:
            return self._new.get(key)
        self._used.add(key)
        return value

    def add(self, key, value) -> None:
        """Record a value (written at exit, or by `save`); one that marshal cannot write is not kept."""
        try:
            marshal.dumps(value)
        except ValueError:
            return
        with self._lock:
            self._new[key] = value
            if not self._exit_hook and self.path is not None:
                self._exit_hook = True
                atexit.register(self.save)

    def save(self) -> bool:
        """Write the table with the new entries (merged with what another process wrote meanwhile);
        False when the file cannot be written."""
        with self._lock:
            if not self._new or self.path is None:
                return True
            table = {**self._read(), **(self._known or {}), **self._new}
            if len(table) > self.limit:
                table = {key: table[key] for key in (*self._used, *self._new)}
            if not write_atomic(self.path, marshal.dumps(table)):
                return False
            self._known, self._new = table, {}
            self._used.update(table)
            return True


#: The store of pattern sources known to compile (source -> required characters).
KnownPatterns = Store

_KNOWN: Store | None = None
_RULE_FILES: Store | None = None


def known_patterns() -> Store:
    """Pattern source -> its required characters, for the sources known to compile (the file is chosen on the first call)."""
    global _KNOWN
    if _KNOWN is None:
        _KNOWN = Store(_patterns_file(), limit=3_000)  # the built-in rules have some 170
    return _KNOWN


def parsed_rule_files() -> Store:
    """SHA-1 of a rule file's text -> the file as `tomllib` reads it, marshalled (each load gets objects
    of its own). The parser is Python's: the file is keyed by its version."""
    global _RULE_FILES
    if _RULE_FILES is None:
        _RULE_FILES = Store(key_file("rules", f"{FORMAT}|{sys.version_info[:3]}"), limit=200)  # the built-in rules are 10 files
    return _RULE_FILES
