"""spaCy and jieba imported without the parts of them the pipeline never uses (a start-up cost).

- `spacy/__init__.py` imports `spacy.cli.info` for the function `spacy.info`, and with it all of
  `spacy.cli` (typer, weasel, requests, httpx, every command): about a third of spaCy's import time.
  `import_spacy` imports spaCy with that module stood in for; afterwards `spacy.cli` and
  `spacy.info` import the real ones when first used.
- `jieba/_compat.py` imports `pkg_resources` (setuptools, slow to import) only to open its
  dictionary file; without it jieba opens the same file by path. `import_jieba` imports jieba so
  when `pkg_resources` is not imported yet.

Both leave `sys.modules` as a plain import would (no placeholder stays), do nothing when the
library is imported already, and fall back to a plain import when the shortcut fails.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any

#: The modules `spacy/__init__.py` imports for `spacy.info`, stood in for while spaCy is imported.
_SPACY_CLI = ("spacy.cli", "spacy.cli.info")


def _info(*args: Any, **kwargs: Any) -> Any:
    """`spacy.info`, read from spaCy's command line when called."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


def _spacy_attribute(name: str) -> Any:
    """The attributes of the `spacy` package that its import no longer sets: `cli` and `info`."""
    if name == "cli":
        return importlib.import_module("spacy.cli")
    if name == "info":
        return _info
    raise AttributeError(f"module 'spacy' has no attribute {name!r}")


def import_spacy() -> ModuleType:
    """The `spacy` module, imported without `spacy.cli` when it is not imported yet."""
    if "spacy" in sys.modules or any(name in sys.modules for name in _SPACY_CLI):
        return importlib.import_module("spacy")
    before = set(sys.modules)
    cli = ModuleType("spacy.cli")
    cli.__path__ = []  # a package with no submodules: an import of another one fails at once
    info = ModuleType("spacy.cli.info")
    info.info = _info  # type: ignore[attr-defined]
    sys.modules.update({"spacy.cli": cli, "spacy.cli.info": info})
    try:
        spacy = importlib.import_module("spacy")
    except ImportError:
        spacy = None
    finally:
        for name, module in (("spacy.cli", cli), ("spacy.cli.info", info)):
            if sys.modules.get(name) is module:
                del sys.modules[name]
    if spacy is None:
        # a spaCy that needs more of its command line while it is imported: import it as it is
        for name in set(sys.modules) - before:
            if name == "spacy" or name.startswith("spacy."):
                del sys.modules[name]
        return importlib.import_module("spacy")
    if spacy.__dict__.get("cli") is cli:
        del spacy.cli
    if "__getattr__" not in spacy.__dict__:
        if spacy.__dict__.get("info") is _info:
            del spacy.info
        spacy.__getattr__ = _spacy_attribute  # type: ignore[attr-defined]
    return spacy


def import_jieba() -> ModuleType:
    """The `jieba` module, imported without `pkg_resources` unless that is imported already."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        return importlib.import_module("jieba")
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # its import raises ImportError
    try:
        return importlib.import_module("jieba")
    finally:
        if "pkg_resources" in sys.modules and sys.modules["pkg_resources"] is None:
            del sys.modules["pkg_resources"]
