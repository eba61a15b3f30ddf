"""The Redis index: one index shared by many CI runners.

Select it with ``redis://host:port/db`` (``rediss://`` for TLS; a
``?prefix=NAME`` query parameter or ``prefix=`` namespaces the keys, default
``provenance``). Needs the optional extra: ``pip install 'provenance-news[redis]'``.

Keys under the prefix ``P``::

    P:meta         hash  format, fingerprint parameters, LSH bands, generation
    P:articles     hash  id -> JSON metadata and text digest
    P:signatures   hash  id -> signature bytes (provenance.codec)
    P:documents    hash  id -> analysed document bytes (provenance.codec)
    P:lsh:words:*, P:lsh:content:*   datasketch MinHashLSH Redis storage

The LSH buckets are datasketch's own (``MinHashLSH(storage_config={'type':
'redis', ...})``), written through its public insertion session. They are
*hints*: a query takes the ids in its buckets, fetches their signatures from
``P:signatures`` and keeps only those that pass the in-memory index's own
estimate and band test. That makes an add atomic without holding bucket writes
in one transaction: the articles, signatures and documents of one add are
committed in a single ``MULTI``/``EXEC``, and until then (or if the writer is
killed first) the new bucket entries point to ids without a signature, which
queries skip. Concurrent writers each commit atomically.

LSH bands depend on the thresholds, so the index records the bands it was
built with and refuses queries whose thresholds would band differently.

A server that dies fails the command at once (no retries: the next command
the client sends is refused), and one that stops answering fails it after
:data:`CONNECT_TIMEOUT` or :data:`REPLY_TIMEOUT` seconds; either way with one
line naming the server, and an add not yet committed is not in the index.
``?socket_timeout=SECONDS`` and ``?socket_connect_timeout=SECONDS`` in the URL
set other limits. What a restarted server still has of committed adds is its
persistence's matter: with ``appendonly yes`` and ``appendfsync always`` every
add that was reported is there, each whole or, if the append-only file was cut
in its transaction, not at all.

As for SQLite, format 1 stored documents as zlib-compressed JSON and format 2
as :mod:`provenance.codec` blobs; both are read, and the first add to a
format-1 index marks it format 2 (older versions then refuse it).
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterable, Iterator

from ..codec import decode_document, decode_signature, encode_signature
from ..config import DEFAULT_SETTINGS, RECALL_WEIGHTS, Settings
from ..errors import IncompatibleIndexError, IndexStoreError
from ..model import GRANULARITIES, Document, Signature
from ..version import __version__
from .base import (
    AddReport,
    CandidateIndex,
    IndexEntry,
    IndexInfo,
    StoredArticle,
    check_parameters,
    damaged,
    stored_article,
    stored_parameters,
)

FORMAT_VERSION = 2
#: Formats this version reads (see the module docstring).
READABLE_FORMATS = ("1", "2")
DEFAULT_PREFIX = "provenance"
_INSTALL_HINT = "the Redis index needs redis-py: pip install 'provenance-news[redis]'"
# Ids per HMGET and per LSH insertion flush.
_CHUNK = 1000
#: Seconds to wait for a connection, and for each reply, unless the URL says otherwise (older
#: redis-py versions wait forever by default: a stopped server would hang a CI job). A reply
#: may be the commit of a large add, which a server appending with fsync takes a while over.
CONNECT_TIMEOUT, REPLY_TIMEOUT = 10.0, 60.0


def _redis_module():
    try:
        import redis
    except ImportError:
        raise IndexStoreError(_INSTALL_HINT) from None
    return redis


def parse_location(location: str, prefix: str | None = None) -> tuple[str, str]:
    """The connection URL (without ``prefix``) and the key prefix."""
    parts = urllib.parse.urlsplit(location)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    in_url = [v for k, v in query if k == "prefix"]
    rest = urllib.parse.urlencode([(k, v) for k, v in query if k != "prefix"])
    if prefix is not None and in_url and in_url[-1] != prefix:
        raise IndexStoreError(f"two key prefixes given: {in_url[-1]!r} in the URL and {prefix!r}")
    chosen = prefix if prefix is not None else (in_url[-1] if in_url else DEFAULT_PREFIX)
    if not chosen or any(c.isspace() for c in chosen):
        raise IndexStoreError(f"invalid Redis key prefix {chosen!r}: use a non-empty name without spaces")
    return urllib.parse.urlunsplit(parts._replace(query=rest)), chosen


def redacted(url: str) -> str:
    """``url`` without its password (in the address or a ``password=`` parameter), for messages.

    >>> redacted("redis://ci:s3cret@cache:6379/0?password=other&db=1")
    'redis://ci:***@cache:6379/0?password=***&db=1'
    """
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    if parts.password is None and not any(k == "password" for k, _ in query):
        return url
    netloc = parts.netloc if parts.password is None else parts.netloc.replace(f":{parts.password}@", ":***@")
    hidden = "&".join(f"{k}=***" if k == "password" else urllib.parse.urlencode([(k, v)]) for k, v in query)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc, query=hidden))


def _article(raw: bytes) -> dict | None:
    """An article's stored metadata, or None for a value that is not one (another
    program's, a damaged restore): refused where it is listed, never a JSON traceback."""
    try:
        meta = json.loads(raw)
    except ValueError:  # not JSON, or not UTF-8
        return None
    fields = ("title", "outlet", "published", "origin", "words")
    if isinstance(meta, dict) and isinstance(meta.get("digest"), str) and all(f in meta for f in fields):
        return meta
    return None


class RedisIndex(CandidateIndex):
    """A persistent index in a Redis database, shared between processes and machines."""

    backend = "redis"

    def __init__(self, location: str, settings: Settings = DEFAULT_SETTINGS, *, create: bool = False,
                 prefix: str | None = None):
        super().__init__(settings)
        redis = _redis_module()
        url, self.prefix = parse_location(location, prefix)
        self.location = f"{redacted(url)} (prefix {self.prefix})"
        self._errors = (redis.exceptions.RedisError,)
        self._timeout = redis.exceptions.TimeoutError
        try:
            # The URL's own options win over these (redis-py lets them).
            self._pool = redis.ConnectionPool.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT,
                                                       socket_timeout=REPLY_TIMEOUT)
            self._redis = redis.Redis(connection_pool=self._pool)
            self._redis.ping()
        except ValueError as exc:
            raise IndexStoreError(f"cannot connect to Redis at {redacted(url)}: {exc}") from None
        except TypeError as exc:  # a URL parameter redis-py hands to the connection, which has no such option
            raise IndexStoreError(f"cannot connect to Redis at {redacted(url)}: the URL has an option the "
                                  f"Redis client does not know ({exc})") from None
        except redis.exceptions.RedisError as exc:
            raise IndexStoreError(f"cannot connect to Redis at {redacted(url)}: {self._problem(exc)}") from None
        self._keys = {name: f"{self.prefix}:{name}" for name in ("meta", "articles", "signatures", "documents")}
        self._prepare(create)
        self._lsh = {g: self._make_lsh(g) for g in GRANULARITIES}

    # --- opening ------------------------------------------------------------------

    def _prepare(self, create: bool) -> None:
        meta_key = self._keys["meta"]
        try:
            if not self._redis.exists(meta_key):
                if not create:
                    raise IndexStoreError(
                        f"no index at {self.location}: build one with "
                        f"'provenance index add --index URL SOURCES...'"
                    )
                # HSETNX: a concurrent creator's values win, and are then checked below.
                # One transaction: a server killed half-way would leave a meta hash
                # without its bands, which every later command refuses as damaged.
                pipe = self._redis.pipeline(transaction=True)
                for field, value in (
                    ("format", str(FORMAT_VERSION)),
                    ("parameters", json.dumps(self.settings.fingerprint_parameters(), sort_keys=True)),
                    ("bands", json.dumps(self.bands(), sort_keys=True)),
                    ("created_by", f"provenance {__version__}"),
                    ("generation", "0"),
                ):
                    pipe.hsetnx(meta_key, field, value)
                pipe.execute()
            meta = self._meta()
        except self._errors as exc:
            raise IndexStoreError(f"{self.location}: cannot read the index: {self._problem(exc)}") from None
        if meta.get("format") not in READABLE_FORMATS:
            raise IndexStoreError(
                f"{self.location} has index format {meta.get('format')!r}; this version reads "
                f"formats {', '.join(READABLE_FORMATS)}: rebuild the index (delete its keys and "
                f"'provenance index add --index URL SOURCES...')"
            )
        rebuild = f"delete its keys ({self.prefix}:*)"
        check_parameters(self.location, stored_parameters(self.location, meta, rebuild), self.settings)
        try:
            stored = {g: tuple(v) for g, v in json.loads(meta["bands"]).items()}
        except (KeyError, ValueError, TypeError, AttributeError):
            raise damaged(self.location, "its LSH bands are missing or not a JSON object", rebuild) from None
        if stored != self.bands():
            raise IncompatibleIndexError(
                f"index {self.location} holds LSH buckets of {stored} (granularity: bands, rows); "
                f"this run's thresholds band as {self.bands()}: query with the thresholds it was built with"
            )

    def _meta(self) -> dict[str, str]:
        # "replace": a garbage value is then refused by what reads it, not a UnicodeDecodeError.
        return {k.decode(errors="replace"): v.decode(errors="replace")
                for k, v in self._redis.hgetall(self._keys["meta"]).items()}

    def _make_lsh(self, granularity: str):
        from datasketch import MinHashLSH

        threshold = self.thresholds()[granularity]
        config = {
            "type": "redis",
            "basename": f"{self.prefix}:lsh:{granularity}".encode(),
            # One connection pool for every bucket table, not one per table.
            "redis": {"connection_pool": self._pool},
        }
        # prepickle=False: keys are the ids' UTF-8 bytes, so nothing read
        # back from a shared server is ever unpickled.
        return MinHashLSH(threshold=threshold, num_perm=self.settings.fingerprint.num_perm, weights=RECALL_WEIGHTS,
                          storage_config=config, prepickle=False)

    def _call(self, what: str, function, *args):
        try:
            return function(*args)
        except self._errors as exc:
            raise IndexStoreError(f"{self.location}: cannot {what} the index: {self._problem(exc)}") from None

    def _problem(self, exc: Exception) -> str:
        """What the client says went wrong, as one printable line: a time-out says how long it
        waited, and a pipeline's error loses the command it quotes (hashes, whole documents)."""
        text = str(exc)
        if isinstance(exc, self._timeout):
            options = self._pool.connection_kwargs
            name, what = (("socket_connect_timeout", "no connection") if "connect" in text.lower()
                          else ("socket_timeout", "no answer"))
            limit = options.get(name)
            if limit is not None:
                text = f"{what} within {limit:g} s ({text}); ?{name}=SECONDS in the URL waits longer"
        _, quoted, said = text.rpartition(" of pipeline caused error: ")
        if quoted:
            text = said
        return " ".join("".join(c if c.isprintable() else " " for c in text).split())

    # --- writing ------------------------------------------------------------------

    def add(self, signature: Signature, document: Document | None = None, *, digest: str = "") -> None:
        self.add_documents([stored_article(signature, document, digest)], replace=True)

    def add_documents(self, entries: Iterable[StoredArticle], *, replace: bool = False) -> AddReport:
        return self._call("write to", self._add, list(entries), replace)

    def _add(self, entries: list[StoredArticle], replace: bool) -> AddReport:
        known = self.digests(e.id for e in entries)
        added, replaced, unchanged, conflicts, todo = [], [], [], [], {}
        for entry in entries:
            if entry.signature.num_perm != self.settings.fingerprint.num_perm or entry.signature.scheme != self.settings.fingerprint.minhash_scheme:
                raise IndexStoreError(f"signature of {entry.id!r} does not match the index's parameters")
            stored = known.get(entry.id)
            if stored is not None and entry.digest and stored == entry.digest:
                unchanged.append(entry.id)
            elif stored is not None and not replace:
                conflicts.append(entry.id)
            else:
                (replaced if stored is not None else added).append(entry.id)
                todo[entry.id] = entry
        if not todo:
            return AddReport((), (), tuple(unchanged), tuple(conflicts))
        # 1. Bucket hints (invisible until step 2 commits the signatures).
        for granularity, lsh in self._lsh.items():
            with lsh.insertion_session(buffer_size=_CHUNK * 50) as session:
                for entry in todo.values():
                    session.insert(entry.id.encode("utf-8"), entry.signature.minhash(granularity),
                                   check_duplication=False)
        # 2. One transaction makes the whole add visible at once.
        pipe = self._redis.pipeline(transaction=True)
        for entry in todo.values():
            pipe.hset(self._keys["articles"], entry.id, json.dumps({
                "title": entry.title, "outlet": entry.outlet, "published": entry.published, "url": entry.url,
                "origin": entry.origin, "words": entry.words, "digest": entry.digest,
            }, sort_keys=True))
            pipe.hset(self._keys["signatures"], entry.id, encode_signature(entry.signature))
            if entry.document is not None:
                pipe.hset(self._keys["documents"], entry.id, entry.document)
            else:
                pipe.hdel(self._keys["documents"], entry.id)
        # New documents are in this format's encoding: see the module docstring.
        pipe.hset(self._keys["meta"], "format", str(FORMAT_VERSION))
        pipe.hincrby(self._keys["meta"], "generation", 1)
        pipe.execute()
        return AddReport(tuple(added), tuple(replaced), tuple(unchanged), tuple(conflicts))

    def remove(self, keys: Iterable[str]) -> tuple[str, ...]:
        return self._call("write to", self._remove, list(dict.fromkeys(keys)))

    def _remove(self, keys: list[str]) -> tuple[str, ...]:
        present = [k for k, sig in zip(keys, self._redis.hmget(self._keys["signatures"], keys)) if sig is not None] if keys else []
        if not present:
            return ()
        # The atomic part: after this, queries no longer see the articles.
        pipe = self._redis.pipeline(transaction=True)
        for name in ("articles", "signatures", "documents"):
            pipe.hdel(self._keys[name], *present)
        pipe.hincrby(self._keys["meta"], "generation", 1)
        pipe.execute()
        # Then the bucket hints; if this is interrupted, leftovers are skipped by queries.
        for lsh in self._lsh.values():
            with lsh.deletion_session() as session:
                for key in present:
                    if key.encode("utf-8") in lsh:
                        session.remove(key.encode("utf-8"))
        return tuple(present)

    # --- reading ------------------------------------------------------------------

    def _lsh_query(self, signature: Signature) -> set[str]:
        def run() -> set[str]:
            stored = self._signatures(sorted(self._bucket_ids(signature)))
            bands = self.bands()
            return {key for key, candidate in stored.items() if self._collides(signature, candidate, bands)}

        return self._call("query", run)

    def _bucket_ids(self, signature: Signature) -> set[str]:
        """Ids in any bucket of ``signature``: one pipelined round trip for all
        bands of both granularities (datasketch's own query makes one per band)."""
        pipe = self._redis.pipeline(transaction=False)
        for granularity, lsh in self._lsh.items():
            values = signature.minhash(granularity).hashvalues
            for (start, end), table in zip(lsh.hashranges, lsh.hashtables):
                pipe.smembers(table.redis_key(lsh._H(values[start:end])))
        return {key.decode("utf-8") for members in pipe.execute() for key in members}

    def _signatures(self, keys: list[str]) -> dict[str, Signature]:
        found = {}
        s = self.settings
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            for key, blob in zip(chunk, self._redis.hmget(self._keys["signatures"], chunk)):
                if blob is not None:  # None: a bucket hint of an uncommitted or removed add
                    found[key] = decode_signature(key, blob, s.num_perm, s.seed, s.minhash_scheme)
        return found

    def query(self, signature: Signature) -> list[tuple[str, float]]:
        return self.best(signature)

    def best(self, signature: Signature, limit: int | None = None,
             floors: dict[str, float] | None = None) -> list[tuple[str, float]]:
        def run() -> list[tuple[str, float]]:
            stored = self._signatures(sorted(self._bucket_ids(signature)))
            bands = self.bands()
            found = []
            for key, candidate in stored.items():
                ratio = self.ratio(signature, candidate)
                if ratio >= 1.0 and self._collides(signature, candidate, bands) and self.keeps(signature, candidate, floors):
                    found.append((key, ratio))
            found.sort(key=lambda item: (-item[1], item[0]))
            return found[:limit] if limit is not None else found

        return self._call("query", run)

    def signature_of(self, key: str) -> Signature:
        found = self._call("read", self._signatures, [key])
        if key not in found:
            raise KeyError(key)
        return found[key]

    def documents(self, keys: Iterable[str]) -> dict[str, Document]:
        wanted = list(dict.fromkeys(keys))
        blobs = self._call("read", self._redis.hmget, self._keys["documents"], wanted) if wanted else []
        found = {}
        for key, blob in zip(wanted, blobs):
            if blob is None:
                if key in self:
                    raise IndexStoreError(f"{self.location}: {key!r} was indexed without its text; re-add it")
                raise KeyError(key)
            try:
                found[key] = decode_document(blob)
            except ValueError as exc:
                raise IndexStoreError(f"{self.location}: the stored document of {key!r} cannot be read ({exc}); "
                                      "re-add it with 'provenance index add --replace --index URL SOURCES...'") from None
        return found

    def digests(self, keys: Iterable[str]) -> dict[str, str]:
        wanted = list(dict.fromkeys(keys))
        found = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            for key, raw in zip(chunk, self._call("read", self._redis.hmget, self._keys["articles"], chunk)):
                if raw is not None:
                    # An unreadable row matches no text: an add reports it as a conflict
                    # (--replace rewrites it), and index remove finds it to remove.
                    meta = _article(raw)
                    found[key] = meta["digest"] if meta is not None else ""
        return found

    def entries(self) -> Iterator[IndexEntry]:
        rows = []
        for key, raw in self._call("read", lambda: list(self._redis.hscan_iter(self._keys["articles"]))):
            key = key.decode("utf-8", errors="replace")
            meta = _article(raw)
            if meta is None:
                raise IndexStoreError(
                    f"{self.location}: the stored row of {key!r} is not an article's: remove it with "
                    f"'provenance index remove --index URL {key}' and add it again")
            rows.append(IndexEntry(key, meta["title"], meta["outlet"], meta["published"], meta["origin"], meta["words"]))
        yield from sorted(rows, key=lambda e: e.id)

    def info(self) -> IndexInfo:
        meta = self._call("read", self._meta)
        memory = self._call("read", self._redis.info, "memory")
        return self._stored_info(meta, None, server_used_memory=str(memory.get("used_memory_human", "")))

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self._call("read", self._redis.hexists, self._keys["signatures"], key))

    def __len__(self) -> int:
        return int(self._call("read", self._redis.hlen, self._keys["signatures"]))

    def close(self) -> None:
        self._pool.disconnect()
