"""Corpora in and out (issue 14): files, JSONL/CSV corpora, standard input, PDF; metadata, line and
original script on each claim; Parquet, CSV with a byte-order mark; bad inputs with their messages.
All articles are invented."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.text.corpus import Article, Failure, collect, file_ids, iter_articles
from pipeline.text.meta import article_metadata, normalise_date
from pipeline.text.origin import offset_map
from pipeline.tools.cli import app

runner = CliRunner()

#: Invented articles: id -> (metadata, body). The first is in traditional characters.
ARTICLES = {
    "qh1": (
        {"title": "青禾縣興建學校", "date": "2021-03-05", "url": "http://example.org/qh1", "author": "記者甲"},
        "青禾縣興建學校\n\n青禾縣今年新建學校12所，投入資金3億元。\n\n縣內另有圖書館5間。\n",
    ),
    "bs2": (
        {"title": "白石镇农家书屋", "date": "2020/7/1", "url": "http://example.org/bs2", "author": "乙"},
        "白石镇共建成农家书屋42个，覆盖全镇。\n",
    ),
}
COMPARED = ("doc", "quantity", "start", "end", "value", "entity", "quantity_orig", "sentence_orig", "title", "date", "url", "meta")


def _front(meta: dict, body: str) -> str:
    return "---\n" + "".join(f'{k}: "{v}"\n' for k, v in meta.items()) + "---\n" + body


def _write_inputs(tmp_path: Path) -> dict[str, Path]:
    files = tmp_path / "files"
    files.mkdir()
    for doc, (meta, body) in ARTICLES.items():
        (files / f"{doc}.md").write_text(_front(meta, body), encoding="utf-8")
    jsonl = tmp_path / "corpus.jsonl"
    jsonl.write_text("".join(json.dumps({"id": d, **m, "text": b}, ensure_ascii=False) + "\n" for d, (m, b) in ARTICLES.items()), encoding="utf-8")
    table = tmp_path / "corpus.csv"
    with open(table, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "date", "url", "author", "text"])
        for doc, (meta, body) in ARTICLES.items():
            writer.writerow([doc, meta["title"], meta["date"], meta["url"], meta["author"], body])
    return {"files": files, "jsonl": jsonl, "csv": table}


def _rows(args: list[str], input: str | None = None) -> tuple[int, list[dict], str]:
    result = runner.invoke(app, ["extract", *args], input=input)
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, rows, result.stderr


def test_corpus_jsonl_csv_and_files_give_the_same_claims_with_metadata(tmp_path: Path):
    inputs = _write_inputs(tmp_path)
    runs = {}
    for kind, path in inputs.items():
        code, rows, stderr = _rows([str(path)])
        assert code == 0, stderr
        runs[kind] = rows
    assert runs["files"], "the invented articles give claims"
    picked = {kind: sorted(([r[k] for k in COMPARED] for r in rows), key=str) for kind, rows in runs.items()}
    assert picked["files"] == picked["jsonl"] == picked["csv"]
    first = runs["jsonl"][0]
    assert first["doc"] == "qh1"
    assert (first["title"], first["date"], first["url"], first["meta"]) == ("青禾縣興建學校", "2021-03-05", "http://example.org/qh1", {"author": "記者甲"})
    assert {r["date"] for r in runs["csv"] if r["doc"] == "bs2"} == {"2020-07-01"}
    # the line: the row's line in a corpus (CSV rows span lines), the article's line in a file
    assert [r["line"] for r in runs["jsonl"]] == [1 if r["doc"] == "qh1" else 2 for r in runs["jsonl"]]
    assert {r["line"] for r in runs["csv"] if r["doc"] == "qh1"} == {2}
    text = (inputs["files"] / "qh1.md").read_text(encoding="utf-8").split("\n")
    for row in runs["files"]:
        if row["doc"] == "qh1":
            assert row["quantity_orig"] in text[row["line"] - 1]


@pytest.mark.parametrize(
    "quantity,orig,sentence_orig",
    [
        ("12所", "12所", "青禾縣今年新建學校12所，投入資金3億元。"),
        ("3亿元", "3億元", "青禾縣今年新建學校12所，投入資金3億元。"),
        ("5间", "5間", "縣內另有圖書館5間。"),
    ],
)
def test_corpus_claims_give_the_input_script(tmp_path: Path, quantity, orig, sentence_orig):
    path = tmp_path / "qh1.md"
    path.write_text(_front(*ARTICLES["qh1"]), encoding="utf-8")
    code, rows, _ = _rows([str(path)])
    row = next(r for r in rows if r["quantity"] == quantity)
    assert (row["quantity_orig"], row["sentence_orig"]) == (orig, sentence_orig)


@pytest.mark.parametrize(
    "name,raw,line,quantity_orig",
    [
        # HTML: a paragraph over several lines of the file, markup inside; the line is the quantity's
        ("a.html", "<html><head><title>標題</title></head><body>\n<p>青禾縣今年\n新建<b>學校</b>\n12所。</p>\n</body></html>\n", 4, "12所"),
        ("b.md", "# 標題\n\n第一段沒有數字。\n\n全縣共有**醫院**7間。\n", 5, "7間"),
        ("c.txt", "標題\n\n\n全縣共有醫院7間。\n", 4, "7間"),
        # a Markdown table row: its cells are found, not the tab-joined clean line
        ("d.md", "# 各區醫院\n\n| 地區 | 醫院數目 |\n| --- | --- |\n| 青禾區 | 7間 |\n", 5, "7間"),
    ],
)
def test_corpus_line_of_a_claim_in_its_file(tmp_path: Path, name, raw, line, quantity_orig):
    path = tmp_path / name
    path.write_text(raw, encoding="utf-8")
    code, rows, stderr = _rows([str(path)])
    assert code == 0, stderr
    assert [(r["line"], r["quantity_orig"]) for r in rows] == [(line, quantity_orig)]


def test_corpus_parquet_holds_the_jsonl_rows(tmp_path: Path):
    pq = pytest.importorskip("pyarrow.parquet")
    inputs = _write_inputs(tmp_path)
    out = tmp_path / "claims.parquet"
    result = runner.invoke(app, ["extract", str(inputs["jsonl"]), "--format", "parquet", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    code, rows, _ = _rows([str(inputs["jsonl"])])
    table = pq.read_table(out)
    assert table.schema.field("start").type == "int64" and table.schema.field("value").type == "string"
    from_parquet = table.to_pylist()
    for row in from_parquet:
        row["meta"] = json.loads(row["meta"]) if row["meta"] is not None else None
    expected = [{**r, "value": str(r["value"]), "high": None if r["high"] is None else str(r["high"])} for r in rows]
    assert from_parquet == expected


@pytest.mark.parametrize("args,bom", [([], True), (["--bom"], True), (["--no-bom"], False)])
def test_corpus_csv_byte_order_mark(tmp_path: Path, args, bom):
    inputs = _write_inputs(tmp_path)
    out = tmp_path / "claims.csv"
    result = runner.invoke(app, ["extract", str(inputs["jsonl"]), "--format", "csv", "-o", str(out), *args])
    assert result.exit_code == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfdoc,") is bom and data.startswith(b"doc,") is not bom
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0]["quantity_orig"] == "12所" and json.loads(rows[0]["meta"]) == {"author": "記者甲"}


@pytest.mark.parametrize(
    "stdin,docs",
    [
        ("全縣共有醫院7間。\n", ["stdin"]),
        ('{"id": "x1", "text": "全镇共有医院7间。"}\n{"id": "x2", "text": "全镇共有学校9所。"}\n', ["x1", "x2"]),
    ],
)
def test_corpus_standard_input(stdin, docs):
    code, rows, stderr = _rows(["-"], input=stdin)
    assert code == 0, stderr
    assert [r["doc"] for r in rows] == docs


def test_corpus_ids_unique_where_file_names_collide(tmp_path: Path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "index.md").write_text("全镇共有医院7间。\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("全镇共有学校9所。\n", encoding="utf-8")
    code, rows, _ = _rows([str(tmp_path)])
    assert [r["doc"] for r in rows] == ["a/index", "b/index", "c"]
    assert file_ids(collect([tmp_path]).files) == ["a/index", "b/index", "c"]


def _corpus_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "name,content,messages,claims",
    [
        ("c.jsonl", '{"id": "a", "text": "全镇共有医院7间。"}\nnot json\n{"id": "b", "body": "x"}\n{"id": "c", "text": 5}\n',
         ["c.jsonl:2: not JSON", "c.jsonl:3: no 'text' field (fields: id, body", "c.jsonl:4: the 'text' field is int"], 1),
        ("c.jsonl", '[1, 2]\n{"text": "全镇共有学校9所。"}\n', ["c.jsonl:1: not a JSON object but list"], 1),
        ("c.csv", "id,body\na,全镇共有医院7间。\n", ["c.csv:1: no 'text' column (columns: id, body"], 0),
        ("c.csv", 'id,text\na,全镇共有医院7间。\nb,x,extra\n', ["c.csv:3: 3 fields where the header has 2"], 1),
        ("x.docx", "PK", ["x.docx: unsupported format '.docx'"], 0),
    ],
)
def test_corpus_bad_rows_reported_and_the_batch_goes_on(tmp_path: Path, name, content, messages, claims):
    path = _corpus_file(tmp_path, name, content)
    code, rows, stderr = _rows([str(path)])
    assert code == 1
    for message in messages:
        assert f"error: {path.parent / message}" in stderr or f"error: {str(tmp_path)}/{message}" in stderr
    assert len(rows) == claims
    assert "extract: " in stderr.splitlines()[-1]


@pytest.mark.parametrize(
    "setup,args,message",
    [
        ("empty", ["{d}"], "error: no articles found in {d} (read are: .txt"),
        ("docx", ["{d}"], "skipped 1 .docx"),
        ("text", ["{d}", "--format", "parquet"], "error: --format parquet needs an output file (-o FILE)"),
        ("text", ["-", "-"], "error: standard input (-) can be named once only"),
        ("text", ["{d}", "--format", "xml"], "Invalid value for '--format'"),
    ],
)
def test_corpus_usage_errors_exit_2(tmp_path: Path, setup, args, message):
    if setup == "docx":
        (tmp_path / "a.docx").write_bytes(b"PK\x03\x04")
    elif setup == "text":
        (tmp_path / "a.txt").write_text("全镇共有医院7间。\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", *[a.format(d=tmp_path) for a in args]])
    assert result.exit_code == 2
    assert message.format(d=tmp_path) in result.stderr


def test_corpus_score_without_gold_exits_2(tmp_path: Path):
    result = runner.invoke(app, ["score", "--gold", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert f"no gold labels found in {tmp_path / 'nowhere'} (it does not exist)" in result.stderr


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer is `lines` (a CID font with a ToUnicode map, no glyphs needed)."""
    chars = sorted(set("".join(lines)))
    cid = {c: i + 1 for i, c in enumerate(chars)}
    body = " ".join(f"<{''.join(f'{cid[c]:04X}' for c in line)}> Tj 0 -24 Td" for line in lines)
    content = f"BT /F1 12 Tf 72 720 Td {body} ET"
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(chars)} beginbfchar\n" + "".join(f"<{cid[c]:04X}> <{ord(c):04X}>\n" for c in chars)
        + "endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end"
    )

    def stream(data: str) -> str:
        return f"<< /Length {len(data.encode())} >>\nstream\n{data}\nendstream"

    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        stream(content),
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        stream(cmap),
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{obj}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_corpus_pdf_text_layer_is_read(tmp_path: Path):
    pytest.importorskip("pypdf")
    path = tmp_path / "report.pdf"
    path.write_bytes(_pdf(["青禾县统计公报", "全县共有医院7间。"]))
    code, rows, stderr = _rows([str(path)])
    assert code == 0, stderr
    assert [(r["doc"], r["quantity"], r["line"]) for r in rows] == [("report", "7间", 2)]


@pytest.mark.parametrize(
    "content,patch,message",
    [
        (b"%PDF-1.4\nnot really\n", False, "report.pdf: not a readable PDF"),
        (None, False, "report.pdf: PDF without a text layer"),
        (None, True, "report.pdf: PDF input needs pypdf: pip install 'zhclaims[pdf]'"),
    ],
)
def test_corpus_pdf_failures(tmp_path: Path, monkeypatch, content, patch, message):
    if not patch:
        pytest.importorskip("pypdf")
    path = tmp_path / "report.pdf"
    path.write_bytes(content if content is not None else _pdf([]))
    if patch:
        monkeypatch.setitem(sys.modules, "pypdf", None)  # import pypdf raises ImportError
    code, rows, stderr = _rows([str(path)])
    assert code == 1 and rows == []
    assert f"error: {tmp_path}/{message}" in stderr


@pytest.mark.parametrize(
    "raw,fmt,fields,expected",
    [
        ('---\ntitle: "甲"\ndate: 2019-06-03\nauthor: 乙\n---\n正文\n', "md", None, ("甲", "2019-06-03", None, {"author": "乙"})),
        ('<html><head><title>甲 - 网站</title><meta property="og:title" content="甲">'
         '<meta name="pubdate" content="2019年6月3日"><link rel="canonical" href="http://x.org/1"></head><body>正文</body></html>',
         "html", None, ("甲", "2019-06-03", "http://x.org/1", {"title": "甲 - 网站"})),
        ('<html><head><script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, {"@type": "NewsArticle", '
         '"headline": "甲", "datePublished": "2024-05-09T14:30:07.000Z", "url": "http://x.org/2"}]}</script></head>'
         '<body><p>正文</p></body></html>', "html", None, ("甲", "2024-05-09", "http://x.org/2", {})),
        ('<html><body><aside><time datetime="2020-01-01">旧闻</time></aside>'
         '<time pubdate datetime="2021-02-03T08:00">二月三日</time><p>正文</p></body></html>', "html", None,
         (None, "2021-02-03", None, {})),
        ('<html><body><aside><time datetime="2020-01-01">旧闻</time></aside><p>正文</p></body></html>', "html", None,
         (None, None, None, {})),
        ("正文", "txt", {"headline": "甲", "published": "June 3, 2019", "link": "http://x", "section": "本地"},
         ("甲", "2019-06-03", "http://x", {"section": "本地"})),
        ("正文", "txt", {"date": "上周二"}, (None, "上周二", None, {})),
        ("正文", "txt", None, (None, None, None, {})),
    ],
)
def test_meta_title_date_url_from_each_source(raw, fmt, fields, expected):
    meta = article_metadata(raw, fmt, fields)
    assert (meta["title"], meta["date"], meta["url"], meta["meta"]) == expected


@pytest.mark.parametrize(
    "value,iso",
    [("2021-03-05 10:26:13", "2021-03-05"), ("2021.3.5", "2021-03-05"), ("2021年13月5日", "2021年13月5日"), ("5 Mar 2021", "2021-03-05")],
)
def test_meta_date_normalised(value, iso):
    assert normalise_date(value) == iso


@pytest.mark.parametrize(
    "orig,conv,offsets",
    [
        ("學校12所", "学校12所", {2: 2, 5: 5}),
        # a phrase converted to a shorter one: the offsets after it still point at the same characters
        ("甲乙丙丁戊12所", "甲X丁戊12所", {0: 0, 3: 4, 5: 6, 7: 8}),
        # a longer one, on the second line
        ("一\n甲乙12所", "一\n甲XYZ12所", {2: 2, 6: 4, 9: 7}),
    ],
)
def test_origin_offsets_through_length_changes(orig, conv, offsets):
    to_orig = offset_map(orig, conv)
    assert {k: to_orig(k) for k in offsets} == offsets


def test_corpus_iter_articles_yields_articles_and_failures(tmp_path: Path):
    path = _corpus_file(tmp_path, "c.jsonl", '{"id": "a", "text": "甲", "title": "乙"}\n{"id": "a", "text": "丙"}\n{}\n')
    items = list(iter_articles([path]))
    assert items[:2] == [
        Article("a", "甲", "txt", str(path), 1, {"title": "乙"}, row=True),
        Article("a#2", "丙", "txt", str(path), 2, {}, row=True),
    ]
    assert isinstance(items[2], Failure) and items[2].path == f"{path}:3"


@pytest.mark.parametrize("args,shown,hidden", [
    (["extract", "--help"], ["jsonl|csv|parquet", "--no-bom", "--text-field", "NAME"], ["<bool>", "<str>", "<path>", "list[Path]"]),
    (["score", "--help"], ["--gold", "PATH"], ["<bool>", "<path>"]),
])
def test_cli_help_shows_choices_not_type_names(args, shown, hidden):
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for text in shown:
        assert text in result.stdout
    for text in hidden:
        assert text not in result.stdout


def test_cli_version():
    from pipeline import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"zhclaims {__version__}"


def test_corpus_extract_article_takes_a_file_path_or_a_corpus_path(tmp_path: Path):
    """The per-file entry point a cluster runner calls: a file gives its claims, a corpus all its rows'."""
    import zhclaims
    from pipeline.tools.batch import extract_article

    nlp = zhclaims.load()
    inputs = _write_inputs(tmp_path)
    one = extract_article(inputs["files"] / "qh1.md", nlp.tokenizer.rules, nlp)
    assert [c.quantity_orig for c in one.claims] == ["12所", "3億元", "5間"] and one.doc == "qh1"
    bad = _corpus_file(tmp_path, "bad.jsonl", inputs["jsonl"].read_text(encoding="utf-8") + "not json\n")
    rows = extract_article(bad, nlp.tokenizer.rules, nlp)
    assert [c.doc for c in rows.claims] == ["qh1"] * 3 + ["bs2"] and rows.failure is None
    assert rows.warnings == [f"{bad}:3: not JSON (Expecting value: line 1 column 1 (char 0))"]


def test_corpus_from_clean_rows(tmp_path: Path):
    path = _corpus_file(tmp_path, "c.jsonl", '{"id": "a", "text": "全镇共有医院7间。"}\n')
    code, rows, stderr = _rows([str(path), "--from-clean"])
    assert code == 0, stderr
    assert [(r["doc"], r["quantity"], r["line"]) for r in rows] == [("a", "7间", 1)]
