"""read_article: format from the suffix, UTF-8 / GB18030 / Big5 decoding, line endings, errors."""

from __future__ import annotations

import pytest

from pipeline.text.reader import DecodedFile, InputError, read_article

TEXT = "本网讯 青禾县新建村级活动场所12个。\n黨建工作的新課題\n"


@pytest.mark.parametrize(
    "name,data,encoding",
    [
        ("a.txt", TEXT.encode("utf-8"), "utf-8"),
        ("a.txt", TEXT.encode("utf-8-sig"), "utf-8"),
        ("a.txt", TEXT.encode("gb18030"), "gb18030"),
        ("a.txt", "黨建工作的新課題,社區服務中心每天都會收到很多問題。\n".encode("big5"), "big5"),
    ],
)
def test_reader_decodes(tmp_path, name, data, encoding):
    path = tmp_path / name
    path.write_bytes(data)
    article = read_article(path)
    assert article.encoding == encoding
    assert article.text == data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    assert not article.text.startswith("\ufeff")


@pytest.mark.parametrize(
    "name,fmt", [("a.txt", "txt"), ("a.md", "md"), ("a.html", "html"), ("a.HTM", "html"), ("a.TXT", "txt")]
)
def test_reader_format_from_suffix(tmp_path, name, fmt):
    path = tmp_path / name
    path.write_text("标题\n", encoding="utf-8")
    assert read_article(path) == DecodedFile(text="标题\n", fmt=fmt, encoding="utf-8")


@pytest.mark.parametrize("raw,text", [(b"a\r\nb\r\n", "a\nb\n"), (b"a\rb\r", "a\nb\n"), (b"a\nb", "a\nb")])
def test_reader_normalises_line_endings(tmp_path, raw, text):
    path = tmp_path / "a.txt"
    path.write_bytes(raw)
    assert read_article(path).text == text


@pytest.mark.parametrize(
    "data,reason",
    [(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"), (b"abc\x00def", "binary"), (bytes(range(128, 256)) * 4, "")],
)
def test_reader_rejects_binary_or_undecodable(tmp_path, data, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_article(path)
    assert info.value.path == str(path)
    assert reason in info.value.reason
    assert str(info.value).startswith(f"{path}: ")


def test_reader_missing_file_is_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot be read"):
        read_article(tmp_path / "missing.txt")


def test_reader_directory_named_like_an_article_is_input_error(tmp_path):
    (tmp_path / "a.txt").mkdir()
    with pytest.raises(InputError, match=r"cannot be read \(Is a directory\)"):
        read_article(tmp_path / "a.txt")
