"""Binary formats told by their first bytes, named with what would read
them; texts that merely start like a magic number are not taken for one."""

import gzip
import io
import lzma
import sqlite3
import struct
import tarfile
import zipfile
import zlib

import pytest
import zstandard

from provenance.readers.sniff import binary_kind, compression


def _zip(members, first_stored=None):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        if first_stored:
            archive.writestr(zipfile.ZipInfo(first_stored[0]), first_stored[1], compress_type=zipfile.ZIP_STORED)
        for name, content in members:
            archive.writestr(name, content)
    return data.getvalue()


def _ooxml(folder):
    return _zip([("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>"),
                 (f"{folder}/document.xml", "<document/>")])


def _opendocument(mimetype):
    return _zip([("content.xml", "<office:document-content/>")], first_stored=("mimetype", mimetype))


def _ole(stream_name):
    # A compound file's header, then a directory sector naming its main stream.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HH", 0x3E, 3) + bytes(484)
    entry = stream_name.encode("utf-16-le").ljust(64, b"\x00") + bytes(64)
    return header + entry * 4


def _png():
    chunk = b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))


def _tar():
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as archive:
        member = tarfile.TarInfo("story.txt")
        member.size = 5
        archive.addfile(member, io.BytesIO(b"hello"))
    return data.getvalue()


def _sqlite(tmp_path):
    path = tmp_path / "news.db"
    with sqlite3.connect(path) as db:
        db.execute("create table articles (text)")
    return path.read_bytes()


@pytest.mark.parametrize("make, what", [
    (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document, not text; convert it to text first (e.g. pdftotext)"),
    (lambda: _ooxml("word"), "a Word document (.docx), not text; save it as plain text (.txt) first"),
    (lambda: _ooxml("xl"), "an Excel workbook (.xlsx), not text; save it as CSV first"),
    (lambda: _ooxml("ppt"), "a PowerPoint presentation (.pptx), not text; save its text as .txt first"),
    (lambda: _opendocument("application/vnd.oasis.opendocument.text"),
     "an OpenDocument text (.odt), not text; save it as plain text (.txt) first"),
    (lambda: _opendocument("application/vnd.oasis.opendocument.spreadsheet"),
     "an OpenDocument spreadsheet (.ods), not text; save it as CSV first"),
    (lambda: _opendocument("application/epub+zip"), "an EPUB e-book, not text; convert it to text first"),
    (lambda: _zip([("a.txt", "hello")]), "a ZIP archive, not text; unpack it and give the folder"),
    (lambda: _ole("WordDocument"), "an old Word document (.doc), not text; save it as plain text (.txt) first"),
    (lambda: _ole("Workbook"), "an old Excel workbook (.xls), not text; save it as CSV first"),
    (lambda: _ole("Root Entry"), "an old Microsoft Office file (.doc, .xls, .ppt or .msg), not text; "
                                 "save it as text or CSV first"),
    (lambda: b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} Hello}", "an RTF document, not plain text; "
                                                                       "save it as plain text (.txt) first"),
    (_png, "a PNG image, not article text"),
    (lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "a JPEG image, not article text"),
    (lambda: b"GIF89a\x01\x00\x01\x00", "a GIF image, not article text"),
    (_tar, "a tar archive, not text; unpack it and give the folder (tar -xf)"),
    (lambda: gzip.compress(b"x"), "gzip-compressed data; name the file for its kind and compression "
                                  "(e.g. notes.txt.gz, feed.jsonl.gz) to read it"),
    (lambda: b"\x7fELF\x02\x01\x01\x00", "an executable program, not text"),
    (lambda: b"ID3\x04\x00\x00\x00\x00\x00\x00", "an audio or video file, not article text"),
])
def test_binary_formats_are_named(make, what):
    assert binary_kind(make()) == what


def test_an_sqlite_database_is_named(tmp_path):
    assert binary_kind(_sqlite(tmp_path)).startswith("an SQLite database, not text")


@pytest.mark.parametrize("text", [
    b"ID3 tags are how MP3 players know a song's title.",
    b"PK is the abbreviation the club uses.",
    b"BZh, said the bee, and flew on.",
    b"%PDF- is how every PDF starts, the article explained.",
    b"GIF8 is not a format.",
    b"PAR1 was the code name.",
    "MOSCOW (Reuters) - The Kremlin said…".encode(),
])
def test_texts_that_start_like_a_magic_number_are_text(text):
    assert binary_kind(text) is None and compression(text) is None


def test_compressions_are_told_apart():
    import bz2

    assert [compression(each(b"x" * 100)) for each in (gzip.compress, bz2.compress, lzma.compress,
                                                       zstandard.ZstdCompressor().compress)] == [
        "gzip", "bz2", "xz", "zstd"]
