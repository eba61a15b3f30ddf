"""What a file is, from its first bytes: the binary formats a newsroom's
folders hold (PDF, Word, Excel, images, archives...) told apart by their
magic numbers, so that they are refused naming what they are and what
would read them, rather than read as text; and the compressed streams the
inputs layer opens (gzip, bzip2, xz, zstd).

>>> binary_kind(b"%PDF-1.7\\n...")
'a PDF document, not text; convert it to text first (e.g. pdftotext)'
>>> compression(b"\\x1f\\x8b\\x08\\x00"), compression(b"plain text")
('gzip', None)
>>> binary_kind(b"Council meets on Tuesday.") is None
True
"""

from __future__ import annotations

import re

#: The compressed streams the inputs layer decompresses, by their magic number.
COMPRESSION_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
# bzip2: "BZh", a block size digit, then the block magic (pi in BCD): the
# digit and block magic keep a text that starts "BZh" from looking like one.
_BZIP2 = re.compile(rb"BZh[1-9](1AY&SY|\x17rE8P\x90)")

_OFFICE_ADVICE = {
    "word": "a Word document (.docx), not text; save it as plain text (.txt) first",
    "xl": "an Excel workbook (.xlsx), not text; save it as CSV first",
    "ppt": "a PowerPoint presentation (.pptx), not text; save its text as .txt first",
}
_OPEN_DOCUMENT = {
    b"application/vnd.oasis.opendocument.text": "an OpenDocument text (.odt), not text; save it as plain text (.txt) first",
    b"application/vnd.oasis.opendocument.spreadsheet": "an OpenDocument spreadsheet (.ods), not text; save it as CSV first",
    b"application/vnd.oasis.opendocument.presentation": "an OpenDocument presentation (.odp), not text; save its text as .txt first",
    b"application/epub+zip": "an EPUB e-book, not text; convert it to text first",
}
# The old (OLE2 compound file) Office formats name their main stream in the
# directory, in UTF-16: found in the first sectors of all but odd files.
_OLE_STREAMS = (
    ("WordDocument".encode("utf-16-le"), "an old Word document (.doc), not text; save it as plain text (.txt) first"),
    ("Workbook".encode("utf-16-le"), "an old Excel workbook (.xls), not text; save it as CSV first"),
    ("Book".encode("utf-16-le"), "an old Excel workbook (.xls), not text; save it as CSV first"),
    ("PowerPoint Document".encode("utf-16-le"), "an old PowerPoint presentation (.ppt), not text; "
                                                "save its text as .txt first"),
)
_OLE = "an old Microsoft Office file (.doc, .xls, .ppt or .msg), not text; save it as text or CSV first"

_ARCHIVE = "unpack it and give the folder"

# (magic at offset 0, what it is), checked in order. Where a magic number
# is short or printable, the bytes after it (a version, a NUL, a binary
# header) are part of the pattern, so that no article starting "ID3 tags"
# is taken for an MP3.
_MAGIC = tuple((re.compile(pattern, re.S), what) for pattern, what in (
    (rb"%PDF-\d", "a PDF document, not text; convert it to text first (e.g. pdftotext)"),
    (rb"\{\\rtf", "an RTF document, not plain text; save it as plain text (.txt) first"),
    (rb"\x89PNG\r\n\x1a\n", "a PNG image, not article text"),
    (rb"\xff\xd8\xff", "a JPEG image, not article text"),
    (rb"GIF8[79]a", "a GIF image, not article text"),
    (rb"II\*\x00|MM\x00\*", "a TIFF image, not article text"),
    (rb"RIFF....WEBP", "a WebP image, not article text"),
    (rb"....ftyp(heic|heix|mif1|avif)", "an image (HEIF/AVIF), not article text"),
    (rb"\x00\x00\x01\x00", "an icon image, not article text"),
    (rb"7z\xbc\xaf\x27\x1c", f"a 7-Zip archive, not text; {_ARCHIVE}"),
    (rb"Rar!\x1a\x07", f"a RAR archive, not text; {_ARCHIVE}"),
    (rb"\x7fELF|\xcf\xfa\xed\xfe|\xfe\xed\xfa\xcf", "an executable program, not text"),
    (rb"SQLite format 3\x00", "an SQLite database, not text; export its articles as CSV or JSON lines first"),
    (rb"PAR1[^\x20-\x7e]", "a Parquet table, not text; name it .parquet to read it"),
    (rb"OggS\x00|fLaC[\x00\x80]|ID3[\x02-\x04]\x00|RIFF....(WAVE|AVI )|\x1a\x45\xdf\xa3|....ftyp",
     "an audio or video file, not article text"),
))


def compression(head: bytes) -> str | None:
    """The compressed stream ``head`` starts (``"gzip"``, ``"bz2"``, ``"xz"``, ``"zstd"``), or None."""
    for magic, kind in COMPRESSION_MAGIC:
        if head.startswith(magic):
            return kind
    if _BZIP2.match(head):
        return "bz2"
    return None


def binary_kind(head: bytes) -> str | None:
    """Why ``head`` (a file's first bytes, 64 KiB or more is best) is no
    text to read: what format it is and what would read it; None when it is
    no binary format known here (it may still be binary: see NUL bytes)."""
    for magic, what in _MAGIC:
        if magic.match(head):
            return what
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(head)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return next((what for name, what in _OLE_STREAMS if name in head), _OLE)
    if head[257:262] == b"ustar":
        return f"a tar archive, not text; {_ARCHIVE} (tar -xf)"
    kind = compression(head)
    if kind is not None:
        return (f"{kind}-compressed data; name the file for its kind and compression "
                f"(e.g. notes.txt{COMPRESSED_SUFFIX[kind]}, feed.jsonl{COMPRESSED_SUFFIX[kind]}) to read it")
    return None


#: The usual file suffix of each compressed stream.
COMPRESSED_SUFFIX = {"gzip": ".gz", "bz2": ".bz2", "xz": ".xz", "zstd": ".zst"}


def _zip_kind(head: bytes) -> str:
    # The first local file header names the first member: ODF and EPUB put
    # an uncompressed "mimetype" first, Office Open XML its content types;
    # the members' names that follow (word/, xl/, ppt/) tell which.
    name_length = int.from_bytes(head[26:28], "little")
    extra_length = int.from_bytes(head[28:30], "little")
    first = head[30:30 + name_length]
    if first == b"mimetype":
        content = head[30 + name_length + extra_length:][:80]
        for mimetype, what in _OPEN_DOCUMENT.items():
            if content.startswith(mimetype):
                return what
    names = re.findall(rb"PK\x03\x04.{26}(word|xl|ppt)/", head, re.S)
    if names:
        return _OFFICE_ADVICE[names[0].decode()]
    if first == b"[Content_Types].xml":
        return "an Office document (.docx, .xlsx or .pptx), not text; save it as text or CSV first"
    return f"a ZIP archive, not text; {_ARCHIVE}"
