"""Compressed inputs: gzip (``.gz``), bzip2 (``.bz2``), xz (``.xz``) and zstd
(``.zst``) streams, decompressed for the reader of what they hold.

A compressed file is named for its kind, then its compression
(``feed.jsonl.gz``, ``notes.txt.zst``): the inputs layer hands the
decompressed bytes to the reader of the inner suffix. Decompression is
bounded: a stream that decompresses to more than the largest input read
(``MAX_FILE_BYTES``) is refused as soon as it passes it, so a small file
that would decompress to gigabytes is never read until memory runs out;
a truncated or corrupt stream is one error, never part of a text.

>>> compression_for("feed.jsonl.gz"), inner_name("feed.jsonl.gz"), compression_for("feed.jsonl")
('gzip', 'feed.jsonl', None)
>>> import gzip
>>> decompress(gzip.compress(b"Council meets."), "gzip")
b'Council meets.'
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from pathlib import Path, PurePath

from .base import MAX_FILE_BYTES
from .sniff import COMPRESSED_SUFFIX, compression

#: The compression each suffix names.
COMPRESSION_SUFFIXES = {suffix: kind for kind, suffix in COMPRESSED_SUFFIX.items()}

#: Suffixes of compressed tar archives, which are refused (a folder of files in one stream).
TAR_SUFFIXES = (".tgz", ".tbz", ".tbz2", ".txz", ".tzst")

_NAMES = {"gzip": "gzip", "bz2": "bzip2", "xz": "xz", "zstd": "zstd"}

_CHUNK = 1 << 20
# The most a zstd stream can expand: a 128 KiB block of one repeated byte
# is four bytes. Input is fed a slice at a time small enough that even so
# one slice cannot run far past the limit (zstandard's decompressobj takes
# no bound on its output).
_ZSTD_EXPANSION = 32 * 1024


class DecompressionError(ValueError):
    """Why a compressed input cannot be read: truncated, corrupt, not what
    its name says, or larger decompressed than an input may be."""


def compression_for(path: str | PurePath) -> str | None:
    """The compression ``path``'s suffix names (``"gzip"``, ``"bz2"``, ``"xz"``, ``"zstd"``), or None."""
    return COMPRESSION_SUFFIXES.get(PurePath(path).suffix.lower())


def inner_name(path: str | PurePath) -> str:
    """``path``'s file name without its compression suffix: what the stream holds."""
    return PurePath(path).stem


def is_tar(path: str | PurePath) -> bool:
    """Whether ``path`` names a compressed tar archive (``x.tar.gz``, ``x.tgz``)."""
    name = PurePath(path)
    suffix = name.suffix.lower()
    return suffix in TAR_SUFFIXES or (suffix in COMPRESSION_SUFFIXES and PurePath(name.stem).suffix.lower() == ".tar")


def decompress(source: Path | bytes, kind: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The decompressed bytes of ``source`` (a file, or bytes), a ``kind``
    stream; raises :class:`DecompressionError` (and OSError when the file
    cannot be read)."""
    stream = source.open("rb") if isinstance(source, Path) else io.BytesIO(source)
    with stream:
        head = stream.read(16)
        stream.seek(0)
        if compression(head) != kind:
            raise DecompressionError(f"not {_NAMES[kind]} data, though its name ends "
                                     f"{COMPRESSED_SUFFIX[kind]}; name it for what it holds")
        out = io.BytesIO()
        try:
            if kind == "zstd":
                _zstd(stream, out, limit)
            else:
                _stdlib(kind, stream, out, limit)
        except EOFError:
            raise DecompressionError(f"truncated {_NAMES[kind]} stream: it ends before its end marker "
                                     "(an incomplete download or copy?)") from None
        except DecompressionError:
            raise
        except (OSError, zlib.error, lzma.LZMAError, ValueError) as exc:
            if isinstance(exc, OSError) and exc.errno is not None:
                raise  # the file, not the stream
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise DecompressionError(f"corrupt {_NAMES[kind]} stream: {message}") from None
        return out.getvalue()


def _too_large(limit: int) -> DecompressionError:
    return DecompressionError(f"decompresses to more than {limit // 2**20} MiB "
                              "(the most an input may hold); split it into smaller files")


def _stdlib(kind: str, stream, out: io.BytesIO, limit: int) -> None:
    # The standard library's readers give at most what is asked a read,
    # read on across gzip members and bzip2/xz streams, and raise EOFError
    # on a truncated one.
    opened = {"gzip": gzip.GzipFile, "bz2": bz2.BZ2File, "xz": lzma.LZMAFile}[kind]
    with opened(fileobj=stream) if kind == "gzip" else opened(stream) as reader:
        while chunk := reader.read(_CHUNK):
            out.write(chunk)
            if out.tell() > limit:
                raise _too_large(limit)


def _zstd(stream, out: io.BytesIO, limit: int) -> None:
    import zstandard

    context = zstandard.ZstdDecompressor()
    frame = context.decompressobj()
    complete = False  # at the end of a frame, with nothing of the next fed yet
    buffer, offset = b"", 0
    while True:
        if offset >= len(buffer):
            buffer, offset = stream.read(_CHUNK), 0
            if not buffer:
                break
        step = max(1024, (limit + 1 - out.tell()) // _ZSTD_EXPANSION)
        piece = buffer[offset:offset + step]
        offset += len(piece)
        try:
            out.write(frame.decompress(piece))
        except zstandard.ZstdError as exc:
            raise DecompressionError(f"corrupt zstd stream: {exc}") from None
        complete = False
        if frame.eof:
            # Frames may follow one another: what is left starts the next.
            buffer, offset = frame.unused_data + buffer[offset:], 0
            frame = context.decompressobj()
            complete = True
        if out.tell() > limit:
            raise _too_large(limit)
    if not complete:
        raise EOFError
