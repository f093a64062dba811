"""Build hook: the editable install (`pip install -e .`, what `make` does) exposes the source folder
`pipeline/` under the installed import name `zhclaims`.

The wheel maps `pipeline/` to `zhclaims/` (`[tool.hatch.build.targets.wheel.sources]`), which an
editable install cannot do by path alone. Here the editable wheel puts the repository on the path
(so `pipeline` imports as in the tests) and adds a small import hook that makes every `zhclaims.X`
the very module `pipeline.X`: one set of modules, whichever name the console script, spaCy's entry
points or the tests use.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ALIAS = '''"""Import hook of the editable zhclaims install: `zhclaims.X` is the module `pipeline.X`."""
import importlib
import importlib.abc
import importlib.util
import sys


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        if name == "zhclaims" or name.startswith("zhclaims."):
            return importlib.util.spec_from_loader(name, self, is_package=True)
        return None

    def create_module(self, spec):
        return importlib.import_module("pipeline" + spec.name[len("zhclaims"):])

    def exec_module(self, module):
        pass


if not any(isinstance(f, _Alias) for f in sys.meta_path):
    sys.meta_path.insert(0, _Alias())
'''


class EditableAliasHook(BuildHookInterface):
    """Add the `zhclaims` -> `pipeline` import hook to editable wheels only."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if version != "editable":
            return
        folder = Path(tempfile.mkdtemp(prefix="zhclaims-editable-"))
        (folder / "_zhclaims_alias.py").write_text(ALIAS, encoding="utf-8")
        (folder / "_zhclaims_alias.pth").write_text("import _zhclaims_alias\n", encoding="utf-8")
        build_data["force_include"][str(folder / "_zhclaims_alias.py")] = "_zhclaims_alias.py"
        build_data["force_include"][str(folder / "_zhclaims_alias.pth")] = "_zhclaims_alias.pth"
