"""spaCy without its command line and jieba without pkg_resources: what a fresh process then sees."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

SPACY = """
import json, sys
from pipeline.extraction.libraries import import_spacy
spacy = import_spacy()
seen = {"cli_imported": "spacy.cli" in sys.modules, "placeholder_left": "spacy.cli.info" in sys.modules}
nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
seen["words"] = [t.text for t in nlp("建成86个")]
seen["info_callable"] = callable(spacy.info)
seen["cli_download"] = callable(spacy.cli.download)  # the real command line, imported when asked for
seen["cli_imported_after"] = "spacy.cli" in sys.modules and hasattr(sys.modules["spacy.cli"], "__file__")
seen["same_module"] = import_spacy() is spacy is sys.modules["spacy"]
print(json.dumps(seen))
"""

JIEBA = """
import json, sys
{before}
from pipeline.extraction.libraries import import_jieba
jieba = import_jieba()
seen = {{"pkg_resources": "pkg_resources" in sys.modules and sys.modules["pkg_resources"] is not None,
        "blocked_left": "pkg_resources" in sys.modules and sys.modules["pkg_resources"] is None}}
seen["words"] = jieba.Tokenizer().lcut("全镇共建成农家书屋42个")
import pkg_resources  # the user's own import still works
seen["user_import"] = pkg_resources.__name__
print(json.dumps(seen))
"""


def _run(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def spacy_seen() -> dict:
    return _run(SPACY)


@pytest.mark.parametrize(
    "key,expected",
    [
        ("cli_imported", False),
        ("placeholder_left", False),
        ("words", ["建", "成", "8", "6", "个"]),
        ("info_callable", True),
        ("cli_download", True),
        ("cli_imported_after", True),
        ("same_module", True),
    ],
)
def test_libraries_spacy_imported_without_its_command_line(spacy_seen, key, expected):
    assert spacy_seen[key] == expected


@pytest.mark.parametrize(
    "before,pkg_resources",
    [
        pytest.param("", False, id="pkg_resources not imported: jieba reads its files by path"),
        pytest.param("import pkg_resources", True, id="pkg_resources imported already: a plain import"),
    ],
)
def test_libraries_jieba_imported_without_pkg_resources(before, pkg_resources):
    seen = _run(JIEBA.format(before=before))
    assert seen["pkg_resources"] is pkg_resources
    assert seen["blocked_left"] is False
    assert seen["words"] == ["全镇", "共", "建成", "农家", "书屋", "42", "个"]
    assert seen["user_import"] == "pkg_resources"


#: A stand-in for a spaCy whose import needs more of its command line than `spacy.cli.info`.
FAKE_SPACY = {
    "spacy/__init__.py": "from .cli.info import info\nfrom .cli._util import app\n",
    "spacy/cli/__init__.py": "from .info import info\nfrom ._util import app\n",
    "spacy/cli/info.py": "def info():\n    return 'the real info'\n",
    "spacy/cli/_util.py": "app = 'the real app'\n",
}


@pytest.mark.parametrize(
    "files,cli_imported",
    [
        pytest.param({**FAKE_SPACY, "spacy/__init__.py": "from .cli.info import info\n"}, False, id="spacy.cli.info alone: stood in for"),
        pytest.param(FAKE_SPACY, True, id="more of spacy.cli: imported as it is"),
    ],
)
def test_libraries_spacy_that_needs_more_of_its_cli_is_imported_as_it_is(tmp_path, files, cli_imported):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    code = (
        "import json, sys\n"
        "from pipeline.extraction.libraries import import_spacy\n"
        "spacy = import_spacy()\n"
        "cli = 'spacy.cli' in sys.modules\n"
        "print(json.dumps({'cli': cli, 'info': spacy.info(), 'file': spacy.__file__}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": f"{tmp_path}:{REPO}", "PATH": "/usr/bin:/bin", "HOME": str(Path.home())})
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["file"].startswith(str(tmp_path))
    assert seen["cli"] is cli_imported and seen["info"] == "the real info"
