"""The hostile-input campaign: every command on each hostile case, beside one good article.

    python benchmarks/hostile.py [--quick] [--big] [--jobs 1] [--workers 2]
                                 [--provenance PATH] [--timeout 20] [--json FILE]

Generates a corpus of hostile cases into a temporary folder (binary, empty,
NUL bytes, bad UTF-8, every BOM, cp1252, control and zero-width characters,
bidi marks, huge lines and words, many tiny files, deep folders, FIFOs,
sockets, dangling and looping symlinks, unreadable folders, malformed JSON and
JSONL, XSS payloads and CI workflow-command injection in every field, id
collisions, damaged SQLite indexes; with ``--big`` also 1,000 and 10,000
near-identical briefs and 10 MB and 50 MB one-line texts). Each case is run beside one good article
(the wire text of seed 002, read from ``seeds/``) through ``scan`` (text, json,
html), ``compare``, ``index add`` (a fresh index, or a copy of the damaged one)
and ``check --within`` / ``check --index``. Each run is measured for:

* hang: no exit within ``--timeout`` seconds (the process group is killed);
* traceback: standard error holds ``Traceback (most recent call last)``;
* silent drop: a scan, or a check that wrote its report (exit 0 or 1), does
  not name the good article;
* unread passed: ``check`` exited 0 although the case's input cannot be read;
* peak memory (the child's own max RSS, from ``os.wait4``) and wall time.

Only the standard library and the command under test are used; no text comes
from ``../shared/datasets``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import sys
import tempfile
import time
import zlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOOD_ID = "goodwire"
TRACEBACK = "Traceback (most recent call last)"
COMMANDS = ("scan-text", "scan-json", "scan-html", "compare", "index-add", "check-within", "check-index",
            "index-verify")
READABLE_AS_INPUT = {"index-text-file"}  # damaged indexes whose file is still a readable article
KINDS = ("hang", "traceback", "silent_drop", "unread_passed", "damaged_written", "damage_missed")


@dataclass
class Case:
    """One hostile case: the inputs given beside the good article."""

    name: str
    group: str
    inputs: list[str] = field(default_factory=list)  # paths relative to the case folder
    unreadable: bool = False  # no article can be read from (some of) the inputs: check must not exit 0
    index: str | None = None  # a damaged index used by check --index, index add and index verify
    big: bool = False
    check_reads: bool = True  # the damage lies in what check --index reads for its answer
    add_ok: bool = False  # index add may write into this index (a 0-byte file is an empty SQLite database)


@dataclass
class Run:
    """One command on one case, as measured."""

    case: str
    group: str
    command: str
    rc: int | None
    seconds: float
    peak_mb: float
    hang: bool = False
    traceback: bool = False
    silent_drop: bool = False
    unread_passed: bool = False
    damaged_written: bool = False  # index add exited 0 on a damaged index
    damage_missed: bool = False  # index verify exited 0 on a damaged index
    stderr_tail: str = ""


# ---------------------------------------------------------------- the corpus

class Builder:
    """Writes each case into its own folder under ``root``."""

    def __init__(self, root: Path, good_text: str, ref_index: Path, big: bool) -> None:
        self.root, self.good_text, self.ref_index, self.big = root, good_text, ref_index, big
        self.cases: list[Case] = []
        self.rng = random.Random(17)
        self.root_user = hasattr(os, "geteuid") and os.geteuid() == 0

    def folder(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True)
        (path / f"{GOOD_ID}.txt").write_text(self.good_text, encoding="utf-8")
        return path

    def add(self, name: str, group: str, inputs: list[str], *, unreadable: bool = False,
            index: str | None = None, big: bool = False) -> None:
        self.cases.append(Case(name, group, inputs, unreadable, index, big))

    def file(self, name: str, group: str, data: bytes | str, *, suffix: str = ".txt",
             unreadable: bool = False, big: bool = False) -> None:
        where = self.folder(name)
        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
        (where / f"in{suffix}").write_bytes(raw)
        self.add(name, group, [f"in{suffix}"], unreadable=unreadable, big=big)

    def record(self, name: str, group: str, record: object, *, unreadable: bool = False,
               jsonl: bool = False) -> None:
        text = json.dumps(record, ensure_ascii=False) if not isinstance(record, str) else record
        self.file(name, group, text + ("\n" if jsonl else ""), suffix=".jsonl" if jsonl else ".json",
                  unreadable=unreadable)

    # Each method below adds one family of cases.

    def text_cases(self) -> None:
        body = "The council met on Tuesday and approved the new budget for the harbour district."
        self.file("empty", "text", b"", unreadable=True)
        self.file("whitespace-only", "text", b" \n\t\r\n   ", unreadable=True)
        self.file("newline-only", "text", b"\n", unreadable=True)
        self.file("punctuation-only", "text", b"... !!! ??? --- ;;;", unreadable=True)
        self.file("nul-only", "binary", b"\0" * 4096, unreadable=True)
        self.file("nul-in-text", "binary", (body[:30] + "\0\0\0" + body[30:]).encode())
        self.file("nul-between-words", "binary", body.replace(" ", "\0").encode())
        for size in (16, 4096, 1 << 20):
            self.file(f"binary-random-{size}", "binary", self.rng.randbytes(size), unreadable=True)
        self.file("binary-png-header", "binary", b"\x89PNG\r\n\x1a\n" + self.rng.randbytes(512), unreadable=True)
        self.file("binary-gzip", "binary", b"\x1f\x8b\x08\x00" + zlib.compress(body.encode() * 50), unreadable=True)
        self.file("binary-elf", "binary", Path(sys.executable).read_bytes()[:65536], unreadable=True)
        self.file("binary-zlib-named-md", "binary", zlib.compress(body.encode() * 50), suffix=".md", unreadable=True)
        for name, bad in (("lone-continuation", b"\x80\x81"), ("truncated-multibyte", b"\xe2\x80"),
                          ("overlong", b"\xc0\xaf"), ("cesu-surrogate", b"\xed\xa0\x80"),
                          ("invalid-ff", b"\xff\xfe\xfd"), ("five-byte", b"\xf8\x88\x80\x80\x80")):
            self.file(f"bad-utf8-{name}", "encoding", body.encode()[:40] + bad + body.encode()[40:])
        boms = {"utf-8": ("utf-8-sig", b""), "utf-16le": ("utf-16-le", b"\xff\xfe"),
                "utf-16be": ("utf-16-be", b"\xfe\xff"), "utf-32le": ("utf-32-le", b"\xff\xfe\x00\x00"),
                "utf-32be": ("utf-32-be", b"\x00\x00\xfe\xff")}
        for name, (codec, mark) in boms.items():
            self.file(f"bom-{name}", "encoding", mark + body.encode(codec))
            self.file(f"bom-only-{name}", "encoding", mark + ("" if mark else "").encode() or b"\xef\xbb\xbf",
                      unreadable=True)
            self.file(f"bom-{name}-jsonl", "encoding",
                      mark + json.dumps({"id": f"bom-{name}", "text": body}).encode(codec) + "\n".encode(codec),
                      suffix=".jsonl")
        self.file("bom-jsonl-line2", "encoding",
                  b'{"id": "l1", "text": "' + body.encode() + b'"}\n\xef\xbb\xbf{"id": "l2", "text": "x y z"}\n',
                  suffix=".jsonl")  # read as scan reads it: the BOM is dropped
        self.file("cp1252", "encoding", "The mayor\u2019s \u201cbudget\u201d \u2013 \u20ac5m caf\u00e9.".encode("cp1252"))
        self.file("latin-1", "encoding", "Stra\u00dfe M\u00fcller \u00e9t\u00e9 na\u00efve r\u00e9sum\u00e9 council.".encode("latin-1"))
        self.file("utf-16-no-bom", "encoding", body.encode("utf-16-le"))
        for code in (1, 7, 8, 11, 12, 27, 127):
            self.file(f"control-{code:02x}", "control", body.replace(" ", chr(code), 3))
        self.file("control-all-c0", "control", "".join(chr(c) for c in range(1, 32)) + body)
        self.file("control-c1", "control", body + "".join(chr(c) for c in range(0x80, 0xa0)))
        self.file("ansi-escapes", "control", "\x1b[2J\x1b[31mRED\x1b[0m " + body + "\x1b]0;title\x07")
        self.file("cr-only-lines", "control", body.replace(". ", ".\r") + "\r" + body)
        for name, char in (("zwsp", "\u200b"), ("zwnj", "\u200c"), ("zwj", "\u200d"), ("wj", "\u2060"),
                           ("feff", "\ufeff"), ("soft-hyphen", "\u00ad")):
            self.file(f"zero-width-{name}-run", "zero-width", body.replace(" ", char * 50))
            self.file(f"zero-width-{name}-only", "zero-width", char * 10000, unreadable=True)
        for name, char in (("rlo", "\u202e"), ("lre", "\u202a"), ("rli", "\u2067"), ("pdf", "\u202c"),
                           ("alm", "\u061c"), ("rlm", "\u200f")):
            self.file(f"bidi-{name}", "bidi", char + body + char * 20)
        self.file("combining-storm", "unicode", "e" + "\u0301" * 50000 + " " + body)
        self.file("emoji-and-astral", "unicode", "\U0001f600 \U0001f4a9 \U00010348 " + body)
        self.file("private-use", "unicode", "\ue000\uf8ff " + body)
        self.file("noncharacters", "unicode", "\ufffe\uffff " + body)
        self.file("huge-line-1mb", "size", ("word " * 200000).strip())
        self.file("huge-line-sentences", "size", (body + " ") * 12000)
        self.file("long-word-100k", "size", "a" * 100000)
        self.file("long-word-1m", "size", body + " " + "x" * 1000000)
        self.file("many-sentences", "size", "\n".join(f"Line {i} says the council met." for i in range(50000)))
        if self.big:
            self.file("big-one-line-10mb", "big", ("council " * (10 * 1024 * 1024 // 8)).strip(), big=True)
            vocabulary = [f"w{self.rng.randrange(5000)}" for _ in range(100_000)]
            self.file("big-one-line-50mb", "big", " ".join(self.rng.choice(vocabulary)
                                                          for _ in range(50 * 1024 * 1024 // 6)), big=True)
            for count in (1000, 10_000):
                lines = "".join(json.dumps({"id": f"tiny{i}", "text": f"Tiny article {i} about the council."})
                                + "\n" for i in range(count))
                self.file(f"big-near-identical-{count}", "big", lines, suffix=".jsonl", big=True)

    def filesystem_cases(self) -> None:
        body = "The council met on Tuesday and approved the new budget for the harbour district."
        where = self.folder("many-tiny-files")
        (where / "in").mkdir()
        for i in range(500):
            (where / "in" / f"t{i}.txt").write_text(f"Tiny {i} council.")
        self.add("many-tiny-files", "filesystem", ["in"])
        where = self.folder("deep-folders")
        deep = where / "in"
        for i in range(150):
            deep = deep / f"d{i % 10}"
        deep.mkdir(parents=True)
        (deep / "deep.txt").write_text(body)
        self.add("deep-folders", "filesystem", ["in"])
        where = self.folder("folder-no-articles")
        (where / "in").mkdir()
        (where / "in" / "notes.csv").write_text("a,b\n")
        self.add("folder-no-articles", "filesystem", ["in"], unreadable=True)
        where = self.folder("empty-folder")
        (where / "in").mkdir()
        self.add("empty-folder", "filesystem", ["in"], unreadable=True)
        where = self.folder("folder-named-txt")
        (where / "in.txt").mkdir()
        (where / "in.txt" / "inner.txt").write_text(body)
        self.add("folder-named-txt", "filesystem", ["in.txt"])
        self.file("no-suffix", "filesystem", body, suffix="")  # named: read as text
        self.file("unknown-suffix", "filesystem", body, suffix=".docx")
        for name, fname in (("name-newline", "a\nb.txt"), ("name-control", "a\x1b[31m.txt"),
                            ("name-workflow", "::error file=x::forged.txt"), ("name-rlo", "\u202etxt.exe.txt"),
                            ("name-html", "<img src=x onerror=alert(1)>.txt"), ("name-percent", "%0A::warning::x.txt")):
            where = self.folder(name)
            (where / fname).write_text(body)
            self.add(name, "filesystem", [fname])
        for direct in (True, False):
            tag = "direct" if direct else "in-folder"
            for kind in ("fifo", "socket", "dangling-link", "loop-link", "self-link", "dev-zero-link",
                         "dev-null-link", "dir-loop-link"):
                where = self.folder(f"{kind}-{tag}")
                base = where if direct else where / "in"
                base.mkdir(exist_ok=True)
                target = base / "x.txt"
                if kind == "fifo":
                    os.mkfifo(target)
                elif kind == "socket":
                    sock = socket.socket(socket.AF_UNIX)
                    try:
                        sock.bind(str(target))
                    except OSError:  # path too long for AF_UNIX: bind from inside the folder
                        cwd = os.getcwd()
                        os.chdir(base)
                        sock.bind("x.txt")
                        os.chdir(cwd)
                    sock.close()
                elif kind == "dangling-link":
                    target.symlink_to(base / "missing.txt")
                elif kind == "loop-link":
                    (base / "y.txt").symlink_to(target)
                    target.symlink_to(base / "y.txt")
                elif kind == "self-link":
                    target.symlink_to(target)
                elif kind == "dev-zero-link":
                    target.symlink_to("/dev/zero")
                elif kind == "dev-null-link":
                    target.symlink_to("/dev/null")
                elif kind == "dir-loop-link":
                    target = base / "sub"
                    target.mkdir()
                    (target / "up").symlink_to(base)
                    (target / "ok.txt").write_text(body)
                unread = kind != "dir-loop-link" or direct
                self.add(f"{kind}-{tag}", "filesystem", ["x.txt" if direct and kind != "dir-loop-link" else
                                                         ("x.txt/sub" if direct else "in")],
                         unreadable=unread and kind != "dir-loop-link")
        where = self.folder("unreadable-folder")
        (where / "in" / "locked").mkdir(parents=True)
        (where / "in" / "ok.txt").write_text(body)
        if self.root_user:  # root reads anything: a symlink loop is the unreadable entry instead
            (where / "in" / "locked" / "a.txt").symlink_to(where / "in" / "locked" / "a.txt")
        else:
            (where / "in" / "locked" / "copy.txt").write_text(self.good_text)
            (where / "in" / "locked").chmod(0)
        self.add("unreadable-folder", "filesystem", ["in"], unreadable=True)
        where = self.folder("unreadable-file")
        (where / "in.txt").write_text(body)
        if self.root_user:
            (where / "in.txt").unlink()
            (where / "in.txt").symlink_to(where / "in.txt")
        else:
            (where / "in.txt").chmod(0)
        self.add("unreadable-file", "filesystem", ["in.txt"], unreadable=True)
        self.add_direct("dev-null-direct", "/dev/null", unreadable=True)
        self.add_direct("missing-path", "does/not/exist.txt", unreadable=True)
        where = self.folder("same-file-twice")
        (where / "in.txt").write_text(body)
        self.add("same-file-twice", "filesystem", ["in.txt", "in.txt"])
        where = self.folder("good-twice")
        self.add("good-twice", "filesystem", [f"{GOOD_ID}.txt"])

    def add_direct(self, name: str, path: str, *, unreadable: bool) -> None:
        self.folder(name)
        self.add(name, "filesystem", [path], unreadable=unreadable)

    def json_cases(self) -> None:
        body = "The council met on Tuesday and approved the new budget for the harbour district."
        ok = {"id": "rec", "text": body, "title": "Budget", "outlet": "Gazette",
              "published": "2024-11-11", "url": "https://example.org/a"}
        raw = json.dumps(ok)
        for cut in (1, 10, len(raw) // 2, len(raw) - 1):
            self.record(f"json-truncated-{cut}", "json", raw[:cut], unreadable=True)
        self.record("json-array-truncated", "json", "[" + raw + ", " + raw[:20], unreadable=True)
        self.record("json-nested-arrays-10000", "json", "[" * 10000 + "]" * 10000, unreadable=True)
        self.record("json-nested-objects-10000", "json", '{"a":' * 10000 + "1" + "}" * 10000, unreadable=True)
        self.record("json-text-nested-10000", "json", '{"id": "n", "text": ' + "[" * 10000 + "]" * 10000 + "}",
                    unreadable=True)
        self.record("jsonl-nested-10000", "json", "[" * 10000 + "]" * 10000, jsonl=True, unreadable=True)
        for value_name, value in (("int", 7), ("float", 1.5), ("list", ["a"]), ("dict", {"a": 1}),
                                  ("bool", True), ("null", None), ("empty", "")):
            for name in ("id", "text", "title", "outlet", "published", "url"):
                record = dict(ok, **{name: value})
                fine = (value is None and name != "text") or (name == "id" and value_name in ("int", "empty")) \
                    or (value == "" and name != "text")
                self.record(f"json-{name}-{value_name}", "json-types", record, unreadable=not fine)
        for name in ("id", "text", "title", "outlet", "published", "url"):
            self.record(f"json-surrogate-{name}", "json", raw.replace(f'"{name}": "', f'"{name}": "\\ud800', 1),
                        unreadable=True)
        self.record("json-surrogate-key", "json", '{"\\udc00": 1, ' + raw[1:])
        self.record("json-huge-int-id", "json", '{"id": ' + "9" * 5000 + ', "text": "' + body + '"}',
                    unreadable=True)
        self.record("json-huge-float-id", "json", '{"id": 1e400, "text": "' + body + '"}', unreadable=True)
        self.record("json-nan", "json", '{"id": NaN, "text": "' + body + '"}', unreadable=True)
        self.record("json-infinity-title", "json", '{"title": Infinity, "text": "' + body + '"}', unreadable=True)
        self.record("json-huge-int-words", "json", '{"id": "w", "words": ' + "9" * 5000 + ', "text": "' + body + '"}')
        for date in ("9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "10000-01-01", "0000-00-00",
                     "2024-13-45", "2024-02-30", "not a date", "9" * 400, "Tue, 31 Dec 9999 23:59:59 -1200",
                     "1e400"):
            self.record(f"json-date-{date[:24]}".replace(" ", "_").replace(":", "").replace(",", ""),
                        "dates", dict(ok, published=date), unreadable=True)
        for name, text in (("top-string", '"just a string"'), ("top-number", "42"), ("top-null", "null"),
                           ("top-true", "true"), ("empty-array", "[]"), ("empty-object", "{}"),
                           ("articles-string", '{"articles": "x"}'), ("articles-ints", '{"articles": [1, 2]}'),
                           ("array-of-arrays", "[[1], [2]]"), ("trailing-garbage", raw + " garbage"),
                           ("two-documents", raw + raw), ("duplicate-keys", raw[:-1] + ', "text": "dup key text"}'),
                           ("comments", "// c\n" + raw)):
            self.record(f"json-{name}", "json", text, unreadable=name not in ("duplicate-keys",))
        self.file("json-utf16", "json", b"\xff\xfe" + raw.encode("utf-16-le"), suffix=".json")
        self.file("jsonl-blank-lines", "jsonl", "\n\n" + raw + "\n\n\n", suffix=".jsonl")
        self.file("jsonl-crlf", "jsonl", raw + "\r\n" + raw.replace('"rec"', '"rec2"') + "\r\n", suffix=".jsonl")
        self.file("jsonl-one-bad-line", "jsonl", raw + "\n{bad\n" + raw.replace('"rec"', '"rec3"') + "\n",
                  suffix=".jsonl", unreadable=True)
        self.file("jsonl-no-final-newline", "jsonl", raw, suffix=".jsonl")
        self.file("jsonl-array-line", "jsonl", "[" + raw + "]\n", suffix=".jsonl", unreadable=True)
        self.file("jsonl-nul-line", "jsonl", raw + "\n\0\0\0\n", suffix=".jsonl", unreadable=True)
        self.file("jsonl-huge-line", "jsonl", json.dumps({"id": "h", "text": body * 20000}) + "\n", suffix=".jsonl")
        self.file("jsonl-pretty-printed", "jsonl", json.dumps(ok, indent=2), suffix=".jsonl", unreadable=True)

    def injection_cases(self) -> None:
        body = "The council met on Tuesday and approved the new budget for the harbour district."
        payloads = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)",
                    "</style><svg onload=alert(1)>", "{{constructor.constructor('alert(1)')()}}",
                    "<iframe src=//evil.example></iframe>", "' onmouseover='alert(1)",
                    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>"]
        for i, payload in enumerate(payloads):
            for name in ("id", "title", "outlet", "url", "text"):
                record = {"id": f"xss{i}", "text": body, "title": "T", "outlet": "O",
                          "url": "https://example.org/x"}
                record[name] = payload + (" " + body if name == "text" else "")
                self.record(f"xss-{i}-{name}", "xss", record)
        for i, title in enumerate(["::error::forged annotation", "x%0A::error file=a.py,line=1::forged",
                                   "x\n::warning::forged", "::add-mask::secret", "%25%0D%0A::error::double",
                                   "::set-output name=x::y", "##[error]forged", "::stop-commands::token"]):
            for name in ("title", "id", "outlet"):
                record = {"id": f"gh{i}", "text": body, name: title}
                self.record(f"ci-inject-{i}-{name}", "ci-inject", record)
        self.record("ci-inject-text", "ci-inject", {"id": "ghtext", "text": "::error::forged\n" + body})

    def collision_cases(self) -> None:
        body = "The council met on Tuesday and approved the new budget for the harbour district."
        lines = lambda *recs: "".join(json.dumps(r) + "\n" for r in recs)  # noqa: E731
        self.file("id-duplicate", "ids", lines({"id": "a", "text": body}, {"id": "a", "text": body + " More."}),
                  suffix=".jsonl")
        self.file("id-equals-good", "ids", lines({"id": GOOD_ID, "text": body}), suffix=".jsonl")
        self.file("id-equals-good-same-text", "ids", lines({"id": GOOD_ID, "text": self.good_text}), suffix=".jsonl")
        self.file("id-int-vs-string", "ids", lines({"id": 1, "text": body}, {"id": "1", "text": body + " x."}),
                  suffix=".jsonl")
        self.file("id-case", "ids", lines({"id": "Ab", "text": body}, {"id": "aB", "text": body + " y."}),
                  suffix=".jsonl")
        self.file("id-whitespace", "ids", lines({"id": " a ", "text": body}, {"id": "a", "text": body + " z."}),
                  suffix=".jsonl")
        self.file("id-control", "ids", lines({"id": "a\x1b[2Jb\n", "text": body}), suffix=".jsonl")
        self.file("id-very-long", "ids", lines({"id": "i" * 100000, "text": body}), suffix=".jsonl")
        where = self.folder("id-file-vs-record")
        (where / "a.txt").write_text(body)
        (where / "in.jsonl").write_text(lines({"id": "a", "text": body + " Other."}))
        self.add("id-file-vs-record", "ids", ["a.txt", "in.jsonl"])
        where = self.folder("id-same-stem-two-folders")
        for sub in ("x", "y"):
            (where / sub).mkdir()
            (where / sub / "same.txt").write_text(body + f" {sub}.")
        self.add("id-same-stem-two-folders", "ids", ["x", "y"])

    def index_cases(self) -> None:
        """Copies of a real index built from seed 002, each damaged in one way."""

        def damaged(name: str, how, *, unreadable: bool = True, check_reads: bool = True,
                    add_ok: bool = False) -> None:
            where = self.folder(name)
            target = where / "damaged.sqlite"
            shutil.copyfile(self.ref_index, target)
            how(target)
            self.add(name, "index", ["damaged.sqlite"], unreadable=unreadable, index="damaged.sqlite")
            self.cases[-1].check_reads, self.cases[-1].add_ok = check_reads, add_ok

        def sql(statement: str):
            def run(path: Path) -> None:
                with sqlite3.connect(path) as db:
                    db.execute(statement)
                db.close()
            return run

        def truncate(size):
            return lambda p: p.write_bytes(p.read_bytes()[:size(p.stat().st_size)])

        def overwrite(offset, length):
            def run(p: Path) -> None:
                data = bytearray(p.read_bytes())
                data[offset:offset + length] = random.Random(offset).randbytes(min(length, len(data) - offset))
                p.write_bytes(bytes(data))
            return run

        damaged("index-truncated-half", truncate(lambda n: n // 2))
        damaged("index-truncated-100", truncate(lambda n: 100))
        damaged("index-empty-file", truncate(lambda n: 0), add_ok=True)
        damaged("index-header-zeroed", lambda p: p.write_bytes(b"\0" * 100 + p.read_bytes()[100:]))
        damaged("index-garbage-middle", overwrite(4096, 4096))
        # Page 1's free space: SQLite's integrity check finds nothing, and nothing read is damaged.
        damaged("index-garbage-free-space", overwrite(1024, 512), unreadable=False, add_ok=True)
        damaged("index-text-file", lambda p: p.write_text(self.good_text))
        damaged("index-parameters-not-json", sql("UPDATE meta SET value = '{not json' WHERE key = 'parameters'"))
        damaged("index-parameters-missing", sql("DELETE FROM meta WHERE key = 'parameters'"))
        damaged("index-parameters-list", sql("UPDATE meta SET value = '[1, 2]' WHERE key = 'parameters'"))
        damaged("index-parameters-wrong-types",
                sql("UPDATE meta SET value = json_set(value, '$.num_perm', 'many') WHERE key = 'parameters'"))
        damaged("index-generation-missing", sql("DELETE FROM meta WHERE key = 'generation'"))
        damaged("index-generation-text", sql("UPDATE meta SET value = 'x' WHERE key = 'generation'"))
        damaged("index-format-future", sql("UPDATE meta SET value = '999' WHERE key = 'format'"))
        damaged("index-meta-dropped", sql("DROP TABLE meta"))
        damaged("index-articles-dropped", sql("DROP TABLE articles"))
        damaged("index-hashes-truncated", sql("UPDATE blocks SET hashes = substr(hashes, 1, 7)"))
        damaged("index-docs-truncated", sql("UPDATE blocks SET docs = substr(docs, 1, 3)"))
        damaged("index-signature-garbage", sql("UPDATE articles SET signature = randomblob(37)"))
        damaged("index-document-garbage", sql("UPDATE articles SET document = randomblob(200)"))
        damaged("index-document-text", sql("UPDATE articles SET document = 'not a blob'"))
        # A column check never reads (index list shows it): add and verify refuse it.
        damaged("index-words-text", sql("UPDATE articles SET words = 'many'"), check_reads=False)
        damaged("index-postings-bad-doc", sql("UPDATE postings SET doc = 99999"))
        where = self.folder("index-is-folder")
        (where / "damaged.sqlite").mkdir()
        self.add("index-is-folder", "index", ["damaged.sqlite"], unreadable=True, index="damaged.sqlite")

    def build(self) -> list[Case]:
        self.text_cases()
        self.filesystem_cases()
        self.json_cases()
        self.injection_cases()
        self.collision_cases()
        self.index_cases()
        return self.cases


# ---------------------------------------------------------------- running

def command_line(provenance: str, command: str, case: Case, where: Path, jobs: int, scratch: Path,
                 good_index: Path) -> list[str]:
    """The argument vector of one command on one case, run with ``where`` as working folder."""
    good, inputs = f"{GOOD_ID}.txt", case.inputs
    if command.startswith("scan-"):
        return [provenance, "scan", "--jobs", str(jobs), "--format", command[5:], good, *inputs]
    if command == "compare":
        return [provenance, "compare", good, inputs[0]]
    if command == "index-add":
        index = scratch / "fresh.sqlite"
        if case.index:
            source = where / case.index
            if source.is_dir():
                index = source
            else:
                shutil.copyfile(source, index)
        return [provenance, "index", "add", "--index", str(index), good, *([] if case.index else inputs)]
    if command == "index-verify":
        return [provenance, "index", "verify", "--index", str(where / case.index)]
    if command == "check-within":
        return [provenance, "check", "--within", good, *inputs]
    index = where / case.index if case.index else good_index
    return [provenance, "check", "--index", str(index), good, *([] if case.index else inputs)]


def run_one(argv: list[str], where: Path, timeout: float, scratch: Path) -> tuple[int | None, float, float, bool, str, str]:
    """Run argv; returns (rc, seconds, peak MB, hung, stdout, stderr)."""
    out, err = scratch / "stdout", scratch / "stderr"
    env = dict(os.environ, PYTHONHASHSEED="0")
    start = time.perf_counter()
    with open(out, "wb") as o, open(err, "wb") as e:
        import subprocess
        process = subprocess.Popen(argv, cwd=where, stdin=subprocess.DEVNULL, stdout=o, stderr=e,
                                   env=env, start_new_session=True)
    hung = False
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            hung = True
            os.killpg(process.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.02)
    process.returncode = 0  # reaped by wait4: keep Popen from waiting again
    seconds = time.perf_counter() - start
    rc = None if hung else os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    return (rc, seconds, peak, hung, out.read_text("utf-8", "replace"), err.read_text("utf-8", "replace"))


def measure(case: Case, command: str, args, root: Path, good_index: Path) -> Run:
    """One command on one case, with every failure kind decided."""
    where = root / case.name
    with tempfile.TemporaryDirectory(prefix="run-", dir=root.parent) as scratch_name:
        scratch = Path(scratch_name)
        argv = command_line(args.provenance, command, case, where, args.jobs, scratch, good_index)
        rc, seconds, peak, hung, out, err = run_one(argv, where, args.timeout, scratch)
    run = Run(case.name, case.group, command, rc, round(seconds, 3), round(peak, 1), hang=hung,
              stderr_tail=err.strip().splitlines()[-1][:200] if err.strip() else "")
    if not hung:
        judge(run, case, command, out, err)
    return run


def judge(run: Run, case: Case, command: str, out: str, err: str) -> None:
    """Set ``run``'s failure kinds from what the command wrote and its exit code."""
    rc = run.rc
    run.traceback = TRACEBACK in err
    if not run.traceback:
        if command.startswith("scan-") or (command.startswith("check-") and rc in (0, 1)):
            run.silent_drop = GOOD_ID not in out
    if command.startswith("check-") and rc == 0:
        # A damaged index given to check --within is only an input file; one
        # holding plain text is a readable article there. Damage in what check
        # --index does not read leaves its answer right (index add and verify refuse it).
        readable_input = command == "check-within" and case.name in READABLE_AS_INPUT
        unread_column = command == "check-index" and not case.check_reads
        run.unread_passed = case.unreadable and not readable_input and not unread_column
    if case.index and case.unreadable and rc == 0:
        run.damaged_written = command == "index-add" and not case.add_ok
        run.damage_missed = command == "index-verify"


def summarise(runs: list[Run], cases: list[Case], seconds: float) -> dict:
    """Totals per command and failure kind, the failing cases and the peaks."""
    per_command = {c: {"runs": 0, **{k: 0 for k in KINDS}, "peak_mb": 0.0, "seconds": 0.0} for c in COMMANDS}
    failing: dict[str, list[str]] = {k: [] for k in KINDS}
    for run in runs:
        row = per_command[run.command]
        row["runs"] += 1
        row["peak_mb"] = max(row["peak_mb"], run.peak_mb)
        row["seconds"] = round(row["seconds"] + run.seconds, 1)
        for kind in KINDS:
            if getattr(run, kind):
                row[kind] += 1
                failing[kind].append(f"{run.case} [{run.command}]")
    slowest = max(runs, key=lambda r: r.seconds)
    biggest = max(runs, key=lambda r: r.peak_mb)
    return {"cases": len(cases), "runs": len(runs), "wall_s": round(seconds, 1), "per_command": per_command,
            "totals": {k: sum(r[k] for r in per_command.values()) for k in KINDS},
            "over_2gb": sum(r.peak_mb > 2048 for r in runs),
            "slowest": f"{slowest.case} [{slowest.command}] {slowest.seconds} s",
            "biggest": f"{biggest.case} [{biggest.command}] {biggest.peak_mb} MB",
            "failing": failing, "exit_codes": dict(Counter(f"{r.command}:{r.rc}" for r in runs))}


def print_table(summary: dict) -> None:
    header = f"{'command':<14}{'runs':>6}" + "".join(f"{k:>16}" for k in KINDS) + f"{'peak MB':>10}{'time s':>9}"
    print(header)
    for command, row in summary["per_command"].items():
        print(f"{command:<14}{row['runs']:>6}" + "".join(f"{row[k]:>16}" for k in KINDS)
              + f"{row['peak_mb']:>10.0f}{row['seconds']:>9.1f}")
    totals = summary["totals"]
    print(f"{'total':<14}{summary['runs']:>6}" + "".join(f"{totals[k]:>16}" for k in KINDS))
    print(f"\n{summary['cases']} cases, {summary['runs']} runs in {summary['wall_s']} s; "
          f"{summary['over_2gb']} run(s) over 2 GB; slowest {summary['slowest']}; biggest {summary['biggest']}")
    for kind, names in summary["failing"].items():
        if names:
            print(f"\n{kind} ({len(names)}):")
            for name in names:
                print(f"  {name}")


def default_provenance() -> str:
    beside = Path(sys.executable).parent / "provenance"
    return str(beside) if beside.exists() else shutil.which("provenance") or "provenance"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a subset of about 60 cases")
    parser.add_argument("--big", action="store_true", help="add the near-identical and 10/50 MB cases")
    parser.add_argument("--only-big", action="store_true", help="run the --big cases alone")
    parser.add_argument("--jobs", type=int, default=1, help="--jobs passed to scan")
    parser.add_argument("--workers", type=int, default=2, help="runs at once")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds before a run is a hang")
    parser.add_argument("--provenance", default=default_provenance(), help="the command to run")
    parser.add_argument("--seed", default=str(ROOT / "seeds"), help="folder holding the good seed 002_*.txt")
    parser.add_argument("--only", metavar="TEXT", help="only the cases whose name or group contains TEXT")
    parser.add_argument("--json", metavar="FILE", help="write every run and the totals here")
    parser.add_argument("--keep", action="store_true", help="keep the corpus folder (printed)")
    args = parser.parse_args(argv)

    seed = sorted(Path(args.seed).glob("002_*.txt")) or sorted((ROOT.parent / "shared" / "seeds").glob("002_*.txt"))
    if not seed:
        parser.error(f"no 002_*.txt seed in {args.seed}")
    good_text = seed[0].read_text(encoding="utf-8")
    others = [p for p in sorted(seed[0].parent.glob("00[01]_*.txt"))]
    base = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        root = base / "cases"
        root.mkdir()
        # The reference index (seed 002) is what the damaged copies start from; the
        # good index (seeds 000, 001) is one the good article passes against.
        ref, good_index = base / "ref.sqlite", base / "good.sqlite"
        for index, sources in ((ref, seed[:1]), (good_index, others or seed[:1])):
            rc, *_ , err = run_one([args.provenance, "index", "add", "--index", str(index), *map(str, sources)],
                                   base, 120, base)
            if rc != 0:
                print(f"hostile: building {index.name} failed: {err.strip()}", file=sys.stderr)
                return 2
        cases = Builder(root, good_text, ref, args.big or args.only_big).build()
        if args.quick:
            cases = [c for i, c in enumerate(cases) if i % 4 == 0]
        if args.only:
            cases = [c for c in cases if args.only in c.name or args.only in c.group]
        if args.only_big:
            cases = [c for c in cases if c.big]
        print(f"{len(cases)} cases in {root}, {len(cases) * len(COMMANDS)} runs, "
              f"{args.workers} at once, timeout {args.timeout:g} s", file=sys.stderr)
        start = time.perf_counter()
        jobs = [(c, cmd) for c in cases for cmd in COMMANDS if cmd != "index-verify" or c.index]
        with ThreadPoolExecutor(args.workers) as pool:
            runs = list(pool.map(lambda job: measure(job[0], job[1], args, root, good_index), jobs))
        summary = summarise(runs, cases, time.perf_counter() - start)
        print_table(summary)
        if args.json:
            Path(args.json).write_text(json.dumps({"summary": summary, "cases": [asdict(c) for c in cases],
                                                   "runs": [asdict(r) for r in runs]}, indent=1,
                                                  ensure_ascii=False) + "\n", encoding="utf-8")
    finally:
        if args.keep:
            print(f"corpus kept in {base}", file=sys.stderr)
        else:
            for folder, dirs, _ in os.walk(base):  # restore modes so the tree can be removed
                for name in dirs:
                    try:
                        os.chmod(os.path.join(folder, name), 0o755, follow_symlinks=False)
                    except (OSError, NotImplementedError):
                        pass
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
