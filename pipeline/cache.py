"""What zhclaims keeps between runs in the user's cache directory, to start faster.

`cache_dir()` is where (the jieba dictionary of `extraction/segment.py` is cached there too).
`KnownPatterns` is the set of rule pattern sources that are known to compile under the installed
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

#: The format of the file of `KnownPatterns`: a new number makes every old file unused.
PATTERNS_FORMAT = 1


def cache_dir() -> Path:
    """Where compiled data is cached: $ZHCLAIMS_CACHE, else $XDG_CACHE_HOME/zhclaims, else ~/.cache/zhclaims."""
    if os.environ.get("ZHCLAIMS_CACHE"):
        return Path(os.environ["ZHCLAIMS_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "zhclaims"


def _patterns_file() -> Path | None:
    """The file of the known patterns of this `regex`, Python and prefilter (None when they cannot be told)."""
    try:
        import regex

        from . import prefilter

        # what required_chars gives depends on its code and on the standard library's parser
        code = hashlib.sha1(Path(prefilter.__file__).read_bytes()).hexdigest()
        key = f"{PATTERNS_FORMAT}|{regex.__version__}|{sys.version_info[:3]}|{code}"
    except (OSError, AttributeError, TypeError):
        return None
    return cache_dir() / f"patterns-{hashlib.sha1(key.encode()).hexdigest()[:16]}.marshal"


class KnownPatterns:
    """Pattern sources known to compile, each with its required characters, read from and written to `path`."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._known: dict[str, tuple[frozenset[str], ...]] | None = None
        self._new: dict[str, tuple[frozenset[str], ...]] = {}
        self._lock = threading.Lock()
        self._exit_hook = False

    def _read(self) -> dict[str, tuple[frozenset[str], ...]]:
        known: dict[str, tuple[frozenset[str], ...]] = {}
        if self.path is not None:
            try:
                data = marshal.loads(self.path.read_bytes())
            except (OSError, ValueError, EOFError, TypeError):
                data = None
            if isinstance(data, dict):
                known = data
        return known

    def get(self, source: str) -> tuple[frozenset[str], ...] | None:
        """The required characters of `source` when it is known to compile; else None."""
        if self._known is None:
            with self._lock:
                if self._known is None:
                    self._known = self._read()
        needs = self._known.get(source)
        if needs is None:
            needs = self._new.get(source)
        return needs

    def add(self, source: str, needs: tuple[frozenset[str], ...]) -> None:
        """Record that `source` compiles (it is written at exit, or by `save`)."""
        with self._lock:
            self._new[source] = needs
            if not self._exit_hook and self.path is not None:
                self._exit_hook = True
                atexit.register(self.save)

    def save(self) -> bool:
        """Write the known patterns with the new ones (merged with what another process wrote meanwhile);
        False when the file cannot be written."""
        with self._lock:
            if not self._new or self.path is None:
                return True
            known = {**self._read(), **(self._known or {}), **self._new}
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd, temp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
                try:
                    with os.fdopen(fd, "wb") as out:
                        out.write(marshal.dumps(known))
                    os.replace(temp, self.path)
                except BaseException:
                    os.unlink(temp)
                    raise
            except OSError:
                return False
            self._known, self._new = known, {}
            return True


_KNOWN: KnownPatterns | None = None


def known_patterns() -> KnownPatterns:
    """The known patterns of this process (their file is chosen on the first call)."""
    global _KNOWN
    if _KNOWN is None:
        _KNOWN = KnownPatterns(_patterns_file())
    return _KNOWN
