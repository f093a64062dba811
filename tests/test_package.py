"""The package as a user gets it: the wheel installed in a fresh venv outside the repository, with a
`pipeline.py` of the user's in the working folder; the README's example, a saved spaCy pipeline
loaded in a new process, a DocBin round trip. Plus static checks of the source folder."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "pipeline"

#: Invented article text: simplified, traditional (converted as the batch converts), a change.
TEXTS = [
    "全镇新建农家书屋42个，比上年增加7个。",
    "去年全鎮接待遊客約3.5萬人次，旅遊收入達1.2億元。",
    "全市规模以上工业增加值比上年增长6.5%。",
]

#: A user's own module named like the source folder: importing it is an error the test sees.
USER_PIPELINE = 'raise ImportError("the user\'s own pipeline.py was imported")\n'


def _readme_example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)
    example = next(block for block in blocks if "import zhclaims" in block)
    assert len(example.strip().splitlines()) == 3, example
    return example


def _run(python: Path, code: str, cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    result = subprocess.run([str(python), "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(python of a fresh venv with the built wheel, a working folder with a user pipeline.py, the wheel)."""
    root = tmp_path_factory.mktemp("package")
    dist = root / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )
    wheel = next(dist.glob("zhclaims-*.whl"))
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = Path(_run(python, "import sysconfig; print(sysconfig.get_paths()['purelib'])", root).strip())
    # the dependencies (spaCy, jieba, OpenCC...) from the environment running the tests, without
    # its .pth files (so not its editable zhclaims): no download, and the wheel is what is imported
    site_dirs = [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages") and Path(p).is_dir()]
    (purelib / "_dependencies.pth").write_text("".join(f"{p}\n" for p in site_dirs), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet", str(wheel)],
        check=True, capture_output=True, timeout=300,
    )
    work = root / "work"
    work.mkdir()
    (work / "pipeline.py").write_text(USER_PIPELINE, encoding="utf-8")
    return python, work, wheel


def _expected(text: str) -> list[dict]:
    """The claims of the source tree's public API, as JSON-ready rows."""
    import pipeline as zhclaims

    return [json.loads(claim.to_json()) for claim in zhclaims.extract(text)]


def _expected_doc(text: str) -> list[dict]:
    """The same claims as a spaCy Doc gives them: a Doc has no input file, so no line, original
    script or article metadata (SOURCE_FIELDS null), and no comparable fields, which need the
    article (its script, metadata, dropped lines), not only the clean text: they stay null too."""
    from pipeline.claim import COMPARABLE_FIELDS, SOURCE_FIELDS

    return [{**row, **dict.fromkeys(SOURCE_FIELDS), **dict.fromkeys(COMPARABLE_FIELDS)} for row in _expected(text)]


def test_package_wheel_installs_zhclaims_and_no_pipeline(installed):
    _, _, wheel = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert "zhclaims/__init__.py" in names and any(name.endswith("/config.cfg") for name in names)
    assert any(name.startswith("zhclaims/_builtin_rules/") and name.endswith("places.txt") for name in names)
    assert not [name for name in names if name.split("/")[0] in ("pipeline", "pipeline.py")]


def test_package_readme_example_runs_outside_the_repository(installed):
    python, work, _ = installed
    out = _run(python, _readme_example(), work)
    assert out.split("\n")[0].split()[:3] == ["42个", "42", "个"], out
    code = (
        "import json, sys, zhclaims\n"
        "print(zhclaims.__file__)\n"
        "for text in sys.argv[1:]:\n"
        "    print(json.dumps([json.loads(c.to_json()) for c in zhclaims.extract(text)], ensure_ascii=False))\n"
    )
    lines = _run(python, code, work, *TEXTS).splitlines()
    assert "site-packages" in lines[0] and str(REPO) not in lines[0]
    for text, line in zip(TEXTS, lines[1:]):
        assert json.loads(line) == _expected(text), text


def test_package_saved_pipeline_loads_in_a_new_process(installed, tmp_path):
    python, work, _ = installed
    saved = tmp_path / "saved"
    _run(python, "import sys, zhclaims; zhclaims.load().to_disk(sys.argv[1])", work, str(saved))
    assert (saved / "tokenizer" / "rules" / "00" / "places.txt").is_file()
    # a new process that does not import zhclaims: spaCy finds the tokenizer and component by entry point
    code = (
        "import json, sys, spacy\n"
        "nlp = spacy.load(sys.argv[1])\n"
        "for text in sys.argv[2:]:\n"
        "    print(json.dumps([json.loads(c.to_json()) for c in nlp(text)._.claims], ensure_ascii=False))\n"
    )
    lines = _run(python, code, work, str(saved), *TEXTS).splitlines()
    assert len(lines) == len(TEXTS)
    for text, line in zip(TEXTS, lines):
        got = json.loads(line)
        assert got and all(row["region"] is None and row["period_start"] is None for row in got)
        assert got == _expected_doc(text), text


def test_package_docbin_round_trips(installed):
    python, work, _ = installed
    code = (
        "import json, sys, zhclaims\n"
        "from spacy.tokens import DocBin\n"
        "nlp = zhclaims.load()\n"
        "docs = list(nlp.pipe(sys.argv[1:]))\n"
        "data = DocBin(store_user_data=True, docs=docs).to_bytes()\n"
        "back = list(DocBin().from_bytes(data).get_docs(nlp.vocab))\n"
        "assert [d.to_bytes() for d in docs] == [d.to_bytes() for d in back]\n"
        "for doc in back:\n"
        "    print(json.dumps([json.loads(c.to_json()) for c in doc._.claims], ensure_ascii=False),\n"
        "          [s.text for s in doc.spans['zhclaims_quantities']], [e.text for e in doc.ents])\n"
    )
    lines = _run(python, code, work, *TEXTS).splitlines()
    assert len(lines) == len(TEXTS)
    for text, line in zip(TEXTS, lines):
        claims = json.loads(line[: line.index("] [") + 1])
        assert claims == _expected_doc(text)


def test_package_refuses_character_tokens(installed):
    python, work, _ = installed
    code = (
        "import spacy\n"
        "try:\n"
        "    spacy.blank('zh').add_pipe('zhclaims_claims')\n"
        "except ValueError as exc:\n"
        "    print(exc)\n"
    )
    out = _run(python, code, work)
    assert "needs the zhclaims tokenizer" in out and "E002" not in out


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(REPO)))
def test_package_imports_itself_relatively(path):
    # an absolute `pipeline.` import would import the user's pipeline.py (or fail) once installed as zhclaims
    absolute = re.findall(r"^\s*(?:from|import) pipeline\b.*$", path.read_text(encoding="utf-8"), re.M)
    assert absolute == []
