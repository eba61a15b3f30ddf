"""Plain-text articles: one file (or standard input) is one article, its id
the file's stem and its origin the path as given; and how every reader
turns bytes into text (:func:`decode_text`).

Bytes are read as text by these rules, in order:

1. ``--encoding NAME`` (``ReadOptions.encoding``, the ``forced`` argument)
   decodes with NAME; bytes NAME cannot decode are an error naming the
   byte offset.
2. A byte-order mark says UTF-8, UTF-16 or UTF-32.
3. A known binary format (PDF, Word, Excel, images, archives: see
   :mod:`.sniff`) or NUL bytes are refused, never read as text.
4. Valid UTF-8 is UTF-8.
5. Anything else is detected from the lines that hold its non-ASCII bytes
   (at most 64 KiB of them, so detection costs the same for any size of
   input; ASCII reads the same in every candidate), with charset-normalizer.
   cp1252 is taken when it reads them as Latin-script text (nothing in the
   reading looks like other bytes misread, such as "Êðåìëü" for Кремль in
   cp1251) and either they are too few for statistics (under 32 bytes) or
   cp1252 reads them as plausibly as the best candidate. Latin-script 8-bit
   text in a newsroom is nearly always Windows' Western code page, and
   latin-1 reads the same bytes the same way except 0x80-0x9F, which latin-1
   makes control characters and cp1252 punctuation (curly quotes, dashes,
   the euro): which is why the web's encoding standard reads "latin-1" as
   cp1252 too. Otherwise the best candidate is taken (other scripts:
   Cyrillic, Greek, Chinese...), and of single-byte code pages it ranks
   equal, the more common one. A wide encoding is never guessed: UTF-16
   without a byte-order mark holds NUL bytes, so it is refused, with the
   ``--encoding`` that reads it.

The encoding is checked over the whole input, so text is never read in
part: a file valid UTF-8 up to a point and not after it (damaged, or two
encodings mixed) is refused, not guessed. Articles record the encoding
they were read in, ``utf-8`` included (:func:`article_encoding`).

>>> from provenance.readers.text import TEXT
>>> [(a.id, a.origin) for a in TEXT.read(b"Some text.", "<stdin>", print, stem="stdin")]
[('stdin', '<stdin>')]
>>> decode_text("The fine was £200".encode("cp1252"), "x.txt", print)
('The fine was £200', 'cp1252')
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Article
from .base import DEFAULT_READ_OPTIONS, ErrorHandler, ReadOptions, Reader, has_words, read_bytes, register_reader
from .sniff import binary_kind

TEXT_SUFFIXES = (".txt", ".md", ".text", ".markdown")

#: How much of an input's start is looked at for binary formats and NUL bytes' pattern.
HEAD_BYTES = 64 * 1024

#: At most this much of an input's non-ASCII text is given to encoding detection.
SAMPLE_BYTES = 64 * 1024

_UNICODE_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)

# Two candidates are as plausible as each other when their "mess" (the
# share of characters charset-normalizer finds suspicious) differs by no
# more than this.
_AS_PLAUSIBLE = 0.01
# ...and as good a fit to a language's letter frequencies when their
# "coherence" differs by no more than this (what tells Russian in cp1251
# from the accented Latin letters the same bytes are in cp1252).
_AS_COHERENT = 0.1

_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
# Fewer non-ASCII bytes than this are too few for detection's statistics.
_EVIDENCE = 32
# What other bytes look like read as cp1252: three non-ASCII letters
# running ("Êðåìëü" is Кремль in cp1251), a capital inside a word ("ItÕs"
# is Mac Roman's apostrophe), symbols Western text hardly uses (Big5's and
# GBK's bytes read as "¥xÆW¬F©²").
_NOT_WESTERN = re.compile(r"[^\W\d_a-zA-Z]{3}|[a-z][\u00c0-\u00d6\u00d8-\u00de\u0160\u0152\u017d\u0178]"
                          r"|[\u00a4\u00a6\u00a8\u00ac\u00af\u00b2\u00b3\u00b4\u00b6\u00b8\u00b9"
                          r"\u02c6\u02dc\u2030\u2039\u203a\u2020\u2021\u00a2\u00a5\u0192]")
# Among readings charset-normalizer finds equally plausible (short inputs),
# the encoding more text is in: the Windows code pages, then the East Asian
# standards, then the ISO and other 8-bit sets (roughly their order of use
# on the web).
_COMMON = ("cp1252", "cp1251", "cp1250", "cp932", "shift_jis", "euc_jp", "gb18030", "gbk", "gb2312",
           "cp949", "euc_kr", "big5", "cp1253", "cp1254", "cp1256", "cp1255", "cp1257", "cp1258",
           "koi8-r", "koi8-u", "iso8859-2", "iso8859-5", "iso8859-7", "iso8859-15", "cp874", "tis-620")
# Around each run of non-ASCII bytes a sample takes this much of its line
# each side, cut after a space or newline: neither is ever the second byte
# of a character in the multi-byte encodings (Shift JIS, GBK, Big5, EUC).
_CONTEXT = 512
_ASCII = bytes(range(0x20, 0x7f))

_CHUNK = 1 << 20


def encoding_name(codec: str) -> str:
    """The name recorded for a codec: Python's canonical lower-case name
    (``utf-8`` for UTF-8 with a byte-order mark).

    >>> encoding_name("windows-1252"), encoding_name("UTF8"), encoding_name("utf-8-sig"), encoding_name("latin_1")
    ('cp1252', 'utf-8', 'utf-8', 'iso8859-1')
    """
    name = codecs.lookup(codec).name
    return "utf-8" if name == "utf-8-sig" else name


def article_encoding(name: str) -> str:
    """What an article records (``Article.encoding``) of the encoding its
    text was read in: the codec's name, lower-case, ``utf-8`` included, so
    that every report says how each input was read.

    >>> article_encoding("cp1252"), article_encoding("utf-8")
    ('cp1252', 'utf-8')
    """
    return name


def decode_text(data: bytes, origin: str, report: ErrorHandler, line: int | None = None, *,
                forced: str | None = None) -> tuple[str, str] | None:
    """``data`` as text, and the encoding it was read in (:func:`encoding_name`),
    by the rules of this module; ``forced`` is an encoding the user gave
    (``ReadOptions.encoding``). None, reported with ``line``, for binary,
    undecodable or blank input.

    >>> decode_text("Überschrift".encode("utf-16"), "a.txt", print)
    ('Überschrift', 'utf-16')
    >>> decode_text(b"caf\\xe9", "a.txt", print, forced="utf-8")
    a.txt: not valid UTF-8 (--encoding utf-8): byte 0xe9 at offset 3
    """
    found = _read_as(data, forced, _decode_whole)
    if isinstance(found, str):
        report(InputError(origin, found, line=line))
        return None
    codec, text = found
    if not text.strip():
        report(InputError(origin, "empty file: no article text", line=line))
        return None
    return text, encoding_name(codec)


def decode(data: bytes, origin: str, report: ErrorHandler, line: int | None = None) -> str | None:
    """``data`` as text (:func:`decode_text` without the encoding); None,
    reported, for binary, badly encoded or blank input."""
    decoded = decode_text(data, origin, report, line)
    return None if decoded is None else decoded[0]


def check_encoding(data, origin: str, report: ErrorHandler, *, forced: str | None = None) -> str | None:
    """The codec to read ``data`` (bytes, or any buffer such as an mmap of a
    file) with, by the rules of this module, checked over all of it a
    megabyte at a time without keeping the text: for readers that then
    stream the input (``io.TextIOWrapper(stream, codec)`` cannot fail).
    None, reported, when ``data`` is no text."""
    found = _read_as(data, forced, _validate)
    if isinstance(found, str):
        report(InputError(origin, found))
        return None
    return found[0]


def detect_encoding(data: bytes) -> str | None:
    """The encoding rule 5 picks for ``data`` (not UTF-8), from its non-ASCII
    lines; None when no encoding reads it as text. Deterministic.

    >>> detect_encoding("Кремль заявил, что это чистый вымысел".encode("cp1251"))
    'cp1251'
    >>> detect_encoding("caf\\xe9".encode("latin-1")), detect_encoding("“no”".encode("cp1252"))
    ('cp1252', 'cp1252')
    """
    first = _HIGH_BYTE.search(data)
    return None if first is None else _detect(_sample(data, first.start()))


# -- the rules --------------------------------------------------------------------------------

# A decoder: (data, codec) -> (the text, or None from a decoder that only
# checks; where decoding failed, as (byte, offset), or None; whether a NUL
# character was decoded).
_Failure = tuple[int, int]
_Decoder = Callable[[object, str], tuple[str | None, _Failure | None, bool]]


def _decode_whole(data, codec: str) -> tuple[str | None, _Failure | None, bool]:
    try:
        text = codecs.decode(data, codec)
    except UnicodeDecodeError as exc:
        return None, (exc.object[exc.start], exc.start), False
    return text, None, "\x00" in text


def _validate(data, codec: str) -> tuple[str | None, _Failure | None, bool]:
    decoder = codecs.getincrementaldecoder(codec)("strict")
    view = memoryview(data)
    nul = False
    for start in range(0, max(len(view), 1), _CHUNK):
        # An incremental decoder holds back the bytes of a character cut by
        # the chunk's end: an error's offset is into those, then this chunk.
        pending = len(decoder.getstate()[0])
        try:
            nul = "\x00" in decoder.decode(view[start:start + _CHUNK], start + _CHUNK >= len(view)) or nul
        except UnicodeDecodeError as exc:
            at = start - pending + exc.start
            return None, (view[at], at), False
    return None, None, nul


def _read_as(data, forced: str | None, decoder: _Decoder) -> tuple[str, str | None] | str:
    """(codec, text) by the rules (text None from the validating decoder), or why ``data`` is no text."""
    head = bytes(data[:HEAD_BYTES])
    if forced is not None:
        codec = codecs.lookup(forced).name
        codec = "utf-8-sig" if codec == "utf-8" else codec
        kind = binary_kind(head)
        if kind is not None:
            return kind
        text, error, nul = decoder(data, codec)
        name = encoding_name(codec)
        if error is not None:
            byte, at = error
            return f"not valid {_title(name)} (--encoding {forced}): byte 0x{byte:02x} at offset {at}"
        if nul:
            return f"binary file (NUL characters read as {name}), not article text"
        return codec, text
    for bom, codec in _UNICODE_BOMS:
        if head.startswith(bom):
            text, error, nul = decoder(data, codec)
            if error is not None:
                name = _title(encoding_name(codec))
                return f"starts with a {name} byte-order mark but is not valid {name}; re-encode it as UTF-8"
            if nul:
                return "binary file (contains NUL characters), not article text"
            return codec, text
    kind = binary_kind(head)
    if kind is not None:
        return kind
    if _has_nul(data):
        wide = _utf16_order(head)
        if wide is not None:
            return (f"UTF-16 text without a byte-order mark ({wide}?): give --encoding {wide} to read it, "
                    "or re-encode it as UTF-8")
        return "binary file (contains NUL bytes), not article text"
    text, error, _ = decoder(data, "utf-8")
    if error is None:
        return "utf-8", text
    byte, at = error
    where = f"byte 0x{byte:02x} at offset {at}"
    if _HIGH_BYTE.search(data, 0, at) is not None:
        return (f"not valid UTF-8 ({where}), though UTF-8 before it: damaged, or two encodings mixed; "
                "re-encode it as UTF-8, or give --encoding NAME")
    codec = _detect(_sample(data, at))
    if codec is None:
        return f"not valid UTF-8 ({where}), and no other encoding reads it as text; give --encoding NAME"
    text, error, nul = decoder(data, codec)
    if error is not None:
        other, later = error
        return (f"not valid UTF-8 ({where}), nor {codec}, the encoding its non-ASCII text suggests "
                f"(byte 0x{other:02x} at offset {later}); give --encoding NAME")
    if nul:  # not reached: NUL bytes were refused above, and these encodings keep ASCII
        return "binary file (contains NUL characters), not article text"
    return codec, text


def _title(name: str) -> str:
    return name.upper() if name.startswith("utf") else name


def _has_nul(data) -> bool:
    return data.find(b"\x00") != -1


def _utf16_order(head: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when NUL bytes fill every other byte of
    ``head`` (Latin-script UTF-16), else None."""
    sample = head[:4096]
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 8:
        return None
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "utf-16-be"
    return None


def _sample(data, start: int) -> bytes:
    """Up to :data:`SAMPLE_BYTES` of ``data``'s lines that hold non-ASCII
    bytes, from the one at ``start`` on: their line around each run of such
    bytes, at most :data:`_CONTEXT` bytes each side (every search bounded
    so, however long the lines)."""
    pieces: list[bytes] = []
    size, position, covered, end = 0, start, 0, len(data)
    while size < SAMPLE_BYTES:
        found = _HIGH_BYTE.search(data, position)
        if found is None:
            break
        at = found.start()
        floor = max(covered, at - _CONTEXT)
        newline = data.rfind(b"\n", floor, at)
        if newline != -1 or floor == covered:
            low = newline + 1 if newline != -1 else floor
        else:
            low = data.rfind(b" ", floor, at) + 1 or floor
        ceiling = min(end, at + _CONTEXT)
        newline = data.find(b"\n", at, ceiling)
        if newline != -1 or ceiling == end:
            high = newline + 1 if newline != -1 else end
        else:
            space = data.rfind(b" ", at, ceiling)
            high = space + 1 if space > at else ceiling
        piece = bytes(data[low:min(high, low + SAMPLE_BYTES - size)])
        pieces.append(piece if piece.endswith(b"\n") else piece + b"\n")
        size += len(pieces[-1])
        position = covered = max(high, at + 1)
    return b"".join(pieces)


def _detect(sample: bytes) -> str | None:
    # Imported only for input that is not UTF-8.
    from charset_normalizer import from_bytes
    from charset_normalizer.utils import is_multi_byte_encoding

    western = _reads_western(sample)
    if western and len(_HIGH_BYTE.findall(sample)) < _EVIDENCE:
        return "cp1252"  # too few bytes for statistics to tell code pages apart
    plausible = [match for match in from_bytes(sample) if _keeps_ascii(match.encoding)]
    if western:
        # cp1252 measured on its own: charset-normalizer's search stops
        # early, and may not have tried it.
        own = from_bytes(sample, cp_isolation=["cp1252"]).best()
        if not plausible or own is None or _as_good(own, plausible[0]):
            return "cp1252"
    if not plausible:
        return None
    best = plausible[0]
    if is_multi_byte_encoding(best.encoding):
        # Ranked first for reading the bytes as fewer, longer characters:
        # the tie-break charset-normalizer itself makes.
        return encoding_name(best.encoding)
    ties = [encoding_name(match.encoding) for match in plausible
            if not is_multi_byte_encoding(match.encoding) and _as_good(match, best)]
    return min(ties, key=lambda name: _COMMON.index(name) if name in _COMMON else len(_COMMON))


def _as_good(match, best) -> bool:
    return (match.chaos <= best.chaos + _AS_PLAUSIBLE
            and match.coherence >= best.coherence - _AS_COHERENT)


def _reads_western(sample: bytes) -> bool:
    """Whether cp1252 reads ``sample`` as Latin-script text: it defines
    every byte, and nothing in the reading looks like other bytes misread."""
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return _NOT_WESTERN.search(text) is None


def _keeps_ascii(codec: str) -> bool:
    # Only encodings in which ASCII bytes are ASCII are guessed (never
    # UTF-16/32 or EBCDIC): the sample's ASCII reads the same in them all.
    try:
        return codecs.decode(_ASCII, codec) == _ASCII.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


class TextReader(Reader):
    """A file of text is one article. It recognises no content of its own:
    standard input that no other reader claims is read as text."""

    name = "text"
    suffixes = TEXT_SUFFIXES

    def read(self, source: Path | bytes, origin: str, report: ErrorHandler, *, stem: str,
             options: ReadOptions = DEFAULT_READ_OPTIONS) -> Iterator[Article]:
        """The one article of ``source``, unless it is unreadable, binary or without a word."""
        data = read_bytes(source, origin, report)
        if data is None:
            return
        decoded = decode_text(data, origin, report, forced=options.encoding)
        if decoded is not None and not has_words(decoded[0]):
            # Zero-width characters or punctuation only: as empty as a blank file.
            report(InputError(origin, "empty file: no article text"))
        elif decoded is not None:
            yield Article(id=stem, text=decoded[0], origin=self.origin(origin),
                          encoding=article_encoding(decoded[1]))


#: The text reader: also the reader of files whose suffix no reader claims.
TEXT = register_reader(TextReader())
