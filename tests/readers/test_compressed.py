"""Compressed inputs: gzip, bzip2, xz and zstd files handed decompressed to
the reader of their inner suffix (and from standard input), tar archives
refused, decompression bounded, damaged streams one error, folders taking
the compressed forms of what readers read; the seeds scanned from
compressed files as from the plain ones."""

import bz2
import gzip
import io
import json
import lzma
import tarfile

import pytest
import zstandard

from provenance import NoArticlesError, read_articles, scan
from provenance.readers.compressed import DecompressionError, decompress

from .conftest import outcome

COMPRESSORS = {
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
    ".zst": lambda data: zstandard.ZstdCompressor().compress(data),
}
NAMES = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd"}
KINDS = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd"}

WIRE = "The council approved the new budget on Tuesday after a long debate."


def read(inputs, **kwargs):
    problems = []
    try:
        articles = read_articles(inputs, on_error=problems.append, **kwargs)
    except NoArticlesError:
        articles = []
    for problem in problems:
        assert "\n" not in str(problem)
    return articles, [str(p) for p in problems]


def jsonl(*records):
    return "".join(json.dumps(record) + "\n" for record in records).encode()


@pytest.mark.parametrize("suffix", list(COMPRESSORS))
def test_compressed_jsonl_is_read_by_the_jsonl_reader_with_its_lines(tmp_path, suffix):
    path = tmp_path / f"feed.jsonl{suffix}"
    path.write_bytes(COMPRESSORS[suffix](jsonl({"id": "a", "text": WIRE}, {"text": "Second story text."})))
    articles, problems = read([path])
    assert problems == []
    assert [(a.id, a.origin, a.origin.line) for a in articles] == [
        ("a", f"{path}:1", 1), (f"{path}:2", f"{path}:2", 2)]


@pytest.mark.parametrize("suffix", list(COMPRESSORS))
def test_compressed_text_is_one_article_named_by_its_inner_stem(tmp_path, suffix):
    path = tmp_path / f"notes.txt{suffix}"
    path.write_bytes(COMPRESSORS[suffix](WIRE.encode("cp1252")))
    [article] = read([path])[0]
    assert (article.id, article.text, article.origin, article.encoding) == ("notes", WIRE, str(path), "utf-8")
    # The text is the decompressed text, not the file's: no place in it is a place in the file.
    assert article.origin.path == str(path) and not article.origin.whole_file


def test_a_bare_gz_is_read_for_what_it_holds(tmp_path):
    (tmp_path / "wire.gz").write_bytes(gzip.compress(jsonl({"id": "j1", "text": WIRE}, {"id": "j2", "text": WIRE})))
    (tmp_path / "memo.gz").write_bytes(gzip.compress("A memo about £200 in fines.".encode("cp1252")))
    articles = read([tmp_path / "wire.gz", tmp_path / "memo.gz"])[0]
    assert [(a.id, a.origin) for a in articles] == [
        ("j1", f"{tmp_path / 'wire.gz'}:1"), ("j2", f"{tmp_path / 'wire.gz'}:2"), ("memo", str(tmp_path / "memo.gz"))]
    assert articles[2].text == "A memo about £200 in fines." and articles[2].encoding == "cp1252"


def test_compressed_tables(tmp_path):
    path = tmp_path / "export.csv.gz"
    path.write_bytes(gzip.compress(b"id,text\nc1,First row.\nc2,\"Second\nrow.\"\nc3,Third row.\n"))
    assert [(a.id, a.origin) for a in read([path])[0]] == [
        ("c1", f"{path}:2"), ("c2", f"{path}:3"), ("c3", f"{path}:5")]


def test_tar_archives_are_refused(tmp_path):
    inner = io.BytesIO()
    with tarfile.open(fileobj=inner, mode="w") as archive:
        member = tarfile.TarInfo("a.txt")
        member.size = len(WIRE)
        archive.addfile(member, io.BytesIO(WIRE.encode()))
    for name in ("bundle.tar.gz", "bundle.tgz"):
        (tmp_path / name).write_bytes(gzip.compress(inner.getvalue()))
    (tmp_path / "hidden.gz").write_bytes(gzip.compress(inner.getvalue()))
    assert read([tmp_path / "bundle.tar.gz", tmp_path / "bundle.tgz", tmp_path / "hidden.gz"])[1] == [
        f"{tmp_path / 'bundle.tar.gz'}: a compressed tar archive; unpack it (tar -xf) and give the folder",
        f"{tmp_path / 'bundle.tgz'}: a compressed tar archive; unpack it (tar -xf) and give the folder",
        f"{tmp_path / 'hidden.gz'}: a tar archive, not text; unpack it and give the folder (tar -xf)",
    ]


@pytest.mark.parametrize("suffix", list(COMPRESSORS))
def test_truncated_and_corrupt_streams_are_one_error(tmp_path, suffix):
    whole = COMPRESSORS[suffix](jsonl(*({"id": f"r{i}", "text": f"Story {i} of many."} for i in range(2000))))
    cut = tmp_path / f"cut.jsonl{suffix}"
    cut.write_bytes(whole[: len(whole) // 2])
    bad = tmp_path / f"bad.jsonl{suffix}"
    bad.write_bytes(whole[:24] + bytes(64) + whole[88:])
    wrong = tmp_path / f"plain.jsonl{suffix}"
    wrong.write_bytes(jsonl({"text": WIRE}))
    articles, problems = read([cut, bad, wrong])
    assert articles == []  # nothing of a damaged stream is read, so nothing is read in part
    assert problems[0] == (f"{cut}: truncated {NAMES[suffix]} stream: it ends before its end marker "
                           "(an incomplete download or copy?)")
    assert problems[1].startswith(f"{bad}: corrupt {NAMES[suffix]} stream: ")
    assert problems[2] == (f"{wrong}: not {NAMES[suffix]} data, though its name ends {suffix}; "
                           "name it for what it holds")


@pytest.mark.parametrize("suffix", list(COMPRESSORS))
def test_a_bomb_is_refused_once_past_the_limit(suffix):
    bomb = COMPRESSORS[suffix](bytes(40 * 2**20))  # 40 MiB of zeros, a few kilobytes compressed
    assert len(bomb) < 2**20
    with pytest.raises(DecompressionError, match=r"decompresses to more than 8 MiB \(the most an input may hold\)"):
        decompress(bomb, KINDS[suffix], limit=8 * 2**20)
    assert len(decompress(bomb, KINDS[suffix], limit=64 * 2**20)) == 40 * 2**20


def test_many_zstd_frames_and_gzip_members_are_read_whole():
    frames = b"".join(zstandard.ZstdCompressor().compress(f"frame {i}\n".encode()) for i in range(50))
    assert decompress(frames, "zstd") == b"".join(f"frame {i}\n".encode() for i in range(50))
    members = gzip.compress(b"one\n") + gzip.compress(b"two\n")
    assert decompress(members, "gzip") == b"one\ntwo\n"


@pytest.mark.parametrize("suffix", list(COMPRESSORS))
def test_standard_input_is_decompressed_then_recognised(suffix):
    data = COMPRESSORS[suffix](jsonl({"id": "s1", "text": WIRE}, {"id": "s2", "text": WIRE}))
    articles = read_articles(["-"], stdin=io.BytesIO(data))
    assert [(a.id, a.origin) for a in articles] == [("s1", "<stdin>:1"), ("s2", "<stdin>:2")]
    [text] = read_articles(["-"], stdin=io.BytesIO(COMPRESSORS[suffix](WIRE.encode())))
    assert (text.id, text.text, text.origin) == ("stdin", WIRE, "<stdin>")


def test_damaged_standard_input_is_one_error():
    articles, problems = read(["-"], stdin=io.BytesIO(gzip.compress(WIRE.encode())[:-12]))
    assert articles == [] and problems == [
        "<stdin>: truncated gzip stream: it ends before its end marker (an incomplete download or copy?)"]


def test_folders_take_the_compressed_forms_of_what_readers_read(tmp_path):
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(WIRE.encode()))
    (tmp_path / "b.jsonl.zst").write_bytes(COMPRESSORS[".zst"](jsonl({"id": "b1", "text": WIRE})))
    (tmp_path / "c.md.xz").write_bytes(lzma.compress(b"# Heading\n\nSome text."))
    (tmp_path / "report.pdf.gz").write_bytes(gzip.compress(b"%PDF-1.4 ..."))
    (tmp_path / "blob.gz").write_bytes(gzip.compress(WIRE.encode()))
    (tmp_path / "bundle.tar.gz").write_bytes(gzip.compress(b"x"))
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["a", "b1", "c"]
    assert problems == [f"{tmp_path}: 3 file(s) of kinds no reader takes, not read: "
                        ".gz 1, .pdf.gz 1, .tar.gz 1"]


def test_the_seeds_compressed_scan_as_the_seed_files(tmp_path, seed_articles, seeds_outcome):
    # Text files, each under another compression, and the same as gzip'd JSON lines.
    texts = tmp_path / "texts"
    texts.mkdir()
    for article, suffix in zip(seed_articles, [".gz", ".bz2", ".xz", ".zst", ".bz2"]):
        (texts / f"{article.id}.txt{suffix}").write_bytes(COMPRESSORS[suffix](article.text.encode("utf-8")))
    feed = tmp_path / "seeds.jsonl.gz"
    feed.write_bytes(gzip.compress(jsonl(*({"id": a.id, "text": a.text} for a in seed_articles))))
    for inputs in ([texts], [feed]):
        articles, problems = read(inputs)
        assert problems == [] and [a.text for a in articles] == [a.text for a in seed_articles]
        assert outcome(scan(inputs, jobs=1)) == seeds_outcome


def test_a_reader_may_read_its_compressed_files_itself(tmp_path):
    from provenance.model import Article
    from provenance.readers import Reader, register_reader, unregister_reader

    class Records(Reader):
        """``.rec``, read compressed as it is (as a web-archive reader reads .warc.gz)."""

        name = "records"
        suffixes = (".rec",)
        reads_compressed = (".gz",)

        def read(self, source, origin, report, *, stem, options=None):
            with gzip.open(source) as stream:  # given the path, not bytes
                for number, line in enumerate(stream, start=1):
                    yield Article(id=f"{stem}-{number}", text=line.decode(), origin=self.origin(origin, number))

    register_reader(Records())
    try:
        path = tmp_path / "crawl.rec.gz"
        path.write_bytes(gzip.compress(b"First record text.\nSecond record text.\n"))
        assert [(a.id, a.origin) for a in read_articles([tmp_path])] == [
            ("crawl-1", f"{path}:1"), ("crawl-2", f"{path}:2")]
    finally:
        unregister_reader("records")
