"""The candidate search of a Spark scan: the local search's rules
(:func:`provenance.candidates.granularity_candidates`), its global figures
taken over DataFrames, so that no signature matrix is ever on one machine.

Per granularity, where the local search works on the whole matrix:

1. **Common cells.** Each cell's shingle (the permutation undone) and its
   row's weight are exploded, one row a cell; grouped by shingle, the
   weights are summed in order of the cell's place in the matrix (row by id,
   then permutation), as the local ``np.bincount`` adds them, so the sums are
   the same to the last bit; they go back to their articles as one row of
   frequencies each. Shuffles: two, of ``articles x num_perm`` rows.
2. **Bands.** Each article's band keys are exploded (``mapInArrow``, the
   local :func:`~provenance.candidates.bands.band_keys` on a partition's
   rows); the layout's collision volume is a ``groupBy`` of them, tried
   layout by layout as :func:`~provenance.candidates.bands.band_layout` does;
   the pairs are a self-join of each run on its key, a run's members
   numbered by source rank so that a capped run pairs only its first
   members (the guard against huge common buckets).
3. **Estimates.** Each surfaced pair is joined with both articles' rows and
   tested by the local :func:`~provenance.candidates.search.passing`, a
   batch of pairs at a time.
4. **Near-duplicate cap** (:func:`~provenance.candidates.search.cap_near_duplicates`)
   as window functions over each article's near-duplicate pairs.

Row numbers (``i``) are the articles' places in id order and ``rank`` their
places in the order of likelier sources, as the local scan numbers them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..candidates.bands import band_keys, lsh_layout, stride_key, strides_for
from ..candidates.frequency import cell_shingles, common_df
from ..candidates.search import passing
from ..config import Settings
from ..fingerprint.hashing import scheme_width
from ..model import CONTENT, WORDS
from .session import require_pyspark

#: Rows of a partition handled at a time by the Python functions.
BATCH = 4096

KEY_SCHEMA = "band int, key long, i long, rank long"
PAIR_SCHEMA = "lo long, hi long"


def signature_dtype(settings: Settings) -> np.dtype:
    """The signature cells' type for these settings' MinHash scheme."""
    return np.dtype(np.uint32 if scheme_width(settings.fingerprint.minhash_scheme) == 32 else np.uint64)


def granularity_pairs(table: Any, n: int, granularity: str, settings: Settings) -> tuple[Any, dict | None]:
    """One granularity's candidate pairs, a DataFrame ``(lo, hi)`` of row
    numbers (``lo < hi``), and the figures the local search gives for them.

    ``table`` is a DataFrame ``(i long, rank long, sig binary)`` of the
    ``n`` articles' signatures at this granularity."""
    spark = table.sparkSession
    knobs = settings.candidates
    threshold = {WORDS: knobs.word_lsh_threshold, CONTENT: knobs.content_lsh_threshold}[granularity]
    if n < 2:
        return spark.createDataFrame([], PAIR_SCHEMA), None
    num_perm = settings.fingerprint.num_perm
    dtype = signature_dtype(settings)
    cap = knobs.near_duplicate_partners
    frequencies = _frequencies(table, n, granularity, settings) if n > knobs.common_floor(granularity) else None
    if frequencies is not None:
        table = table.join(frequencies, "i")
    table = table.persist()
    limit = common_df(n, granularity, knobs)
    usable = None if frequencies is None else ("df", limit)
    try:
        bands, rows = lsh_layout(threshold, num_perm)
        while True:
            keys = _keys(table, dtype, usable, bands, rows).persist()
            full, capped = _volume(keys, cap)
            run_cap = cap if rows >= knobs.near_rows and full > knobs.pair_budget else None
            volume = capped if run_cap is not None else full
            if volume <= knobs.pair_budget or num_perm // (rows + 1) < 8:
                break
            keys.unpersist()
            rows += 1
            bands = num_perm // rows
        strides = 0
        if rows == 2 and usable is not None:
            strides = strides_for(_median_usable(table, limit, num_perm), num_perm, threshold, knobs.band_recall, full,
                                  knobs.pair_budget)
        found = []
        if strides:
            keys.unpersist()
            found.append(_run_pairs(_strided_keys(table, dtype, limit, strides), None))
            bands = strides * num_perm
        else:
            found.append(_run_pairs(keys, run_cap))
        if usable is not None:
            if rows > 1 and not strides:
                # Wider bands miss pairs of modest overlap; a shared rare shingle still surfaces some.
                found.append(_run_pairs(_keys(table, dtype, ("df", knobs.rare_df), num_perm, 1), None))
            # Near-duplicates share even common cells: whole bands of all cells.
            near_bands = num_perm // knobs.near_rows
            near = _keys(table, dtype, None, near_bands, knobs.near_rows).persist()
            near_full, _ = _volume(near, cap)
            found.append(_run_pairs(near, cap if near_full > knobs.pair_budget else None))
        surfaced = found[0]
        for more in found[1:]:
            surfaced = surfaced.union(more)
        surfaced = surfaced.distinct().persist()
        surfaced_count = surfaced.count()
        keys.unpersist()
        if usable is not None:
            near.unpersist()
        passed = _passing(surfaced, table, n, threshold, settings, granularity).persist()
        kept, left_out, kept_count = _cap_near_duplicates(passed, table, settings)
        # Only now: a persist is lazy, and freed before the cap's count has
        # made ``passed``, the surfaced pairs (their keys freed too) would be
        # made again from the table (measured at 100,000 articles: the
        # runs' self-joins twice, 290 s of the search's 903 s of task time).
        surfaced.unpersist()
        figures = {
            "bands": bands,
            "band_rows": rows,
            "band_strides": strides,
            "common_cells": 0 if usable is None else _common_cells(table, limit, num_perm, n),
            "surfaced_pairs": int(surfaced_count),
            "near_duplicates_left_out": left_out,
            "candidate_pairs": kept_count,
        }
        # Kept (persisted) for the caller's union: the pairs are few beside the surfaced.
        return kept.persist(), figures
    finally:
        table.unpersist()


# --- common cells ----------------------------------------------------------------


def _frequencies(table: Any, n: int, granularity: str, settings: Settings) -> Any:
    """``(i, df binary)``: each article's row of shingle frequencies (float32), as :func:`cell_frequencies`."""
    functions = require_pyspark().functions
    num_perm = settings.fingerprint.num_perm
    dtype = signature_dtype(settings)
    empty_value = np.iinfo(dtype).max

    def cells(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for batch in batches:
            i, _, matrix = _decode(batch, dtype)
            if not len(i):
                continue
            shingles, sizes = cell_shingles(matrix, settings)
            weights = np.repeat(sizes / num_perm, num_perm)
            weights[matrix.reshape(-1) == empty_value] = 0.0
            position = (i[:, None] * num_perm + np.arange(num_perm)).reshape(-1)
            yield pa.RecordBatch.from_arrays([pa.array(_signed(shingles.reshape(-1))), pa.array(position),
                                              pa.array(weights)], names=["s", "pos", "w"])

    exploded = table.mapInArrow(cells, "s long, pos long, w double")
    # Summed in order of position: the local bincount's order of addition.
    by_shingle = exploded.groupBy("s").agg(
        functions.array_sort(functions.collect_list(functions.struct("pos", "w"))).alias("cells"))
    # The sum made a column before the explode: in one select Spark places
    # it after the explode and sums a shingle's cells once for each of them,
    # quadratic in a common shingle's cells (measured: one stage of the
    # 100,000-article scan took 2,400 s of task time this way).
    summed = by_shingle.select(
        functions.aggregate("cells", functions.lit(0.0), lambda total, x: total + x["w"]).alias("df"), "cells")
    each = summed.select("df", functions.explode("cells.pos").alias("pos"))
    per_article = (each.select((functions.col("pos") / num_perm).cast("long").alias("i"),
                               (functions.col("pos") % num_perm).alias("c"), "df")
                   .groupBy("i").agg(functions.array_sort(functions.collect_list(functions.struct("c", "df")))
                                     .alias("cells")))

    def packed(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for batch in batches:
            i = batch.column("i").to_numpy()
            values = batch.column("cells").flatten().field("df").to_numpy(zero_copy_only=False)
            rows = values.reshape(len(i), num_perm).astype(np.float32)
            yield pa.RecordBatch.from_arrays([pa.array(i), pa.array([r.tobytes() for r in rows], pa.binary())],
                                             names=["i", "df"])

    return per_article.mapInArrow(packed, "i long, df binary")


def _mask(batch: Any, rule: tuple[str, float] | None, num_perm: int) -> np.ndarray | None:
    """The batch's usable cells: its frequencies at most the rule's bound (None: every cell)."""
    if rule is None:
        return None
    frequencies = np.frombuffer(b"".join(batch.column(rule[0]).to_pylist()), dtype=np.float32)
    return frequencies.reshape(-1, num_perm) <= rule[1]


def _median_usable(table: Any, limit: float, num_perm: int) -> float:
    """The median article's count of usable cells, exactly as ``np.median`` gives it, from their histogram."""

    def counts(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for batch in batches:
            usable = _mask(batch, ("df", limit), num_perm)
            yield pa.RecordBatch.from_arrays([pa.array(usable.sum(axis=1).astype(np.int64))], names=["cells"])

    histogram = sorted((row["cells"], row["count"]) for row in
                       table.mapInArrow(counts, "cells long").groupBy("cells").count().collect())
    total = sum(count for _, count in histogram)
    wanted = [(total - 1) // 2, total // 2]  # the middle one, or the middle two
    values, seen = [], 0
    for cells, count in histogram:
        while wanted and wanted[0] < seen + count:
            values.append(float(cells))
            wanted.pop(0)
        seen += count
    return (values[0] + values[1]) / 2.0


def _common_cells(table: Any, limit: float, num_perm: int, n: int) -> int:
    """How many cells of the table are common (frequency above ``limit``)."""

    def counts(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for batch in batches:
            usable = _mask(batch, ("df", limit), num_perm)
            yield pa.RecordBatch.from_arrays([pa.array([int(usable.sum())], pa.int64())], names=["usable"])

    total = table.mapInArrow(counts, "usable long").groupBy().sum("usable").collect()[0][0] or 0
    return int(n * num_perm - total)


# --- bands -----------------------------------------------------------------------


def _keys(table: Any, dtype: np.dtype, rule: tuple[str, float] | None, bands: int, rows: int) -> Any:
    """``(band, key, i, rank)`` of every article whose band counts (:func:`band_keys`), cells by ``rule``."""
    def explode(batches: Iterator[Any]) -> Iterator[Any]:
        for batch in batches:
            i, rank, matrix = _decode(batch, dtype)
            usable = _mask(batch, rule, matrix.shape[1])
            parts = []
            for band in range(bands):
                members, key = band_keys(matrix, usable, band, rows)
                parts.append((np.full(len(members), band, dtype=np.int32), key, members))
            yield _key_batch(parts, i, rank)

    return table.mapInArrow(explode, KEY_SCHEMA)


def _strided_keys(table: Any, dtype: np.dtype, limit: float, strides: int) -> Any:
    """``(band, key, i, rank)`` of the two-row bands of permutations ``c`` and
    ``c + d`` for ``d`` up to ``strides`` (:func:`~provenance.candidates.bands.strided_pairs`)."""

    def explode(batches: Iterator[Any]) -> Iterator[Any]:
        for batch in batches:
            i, rank, matrix = _decode(batch, dtype)
            num_perm = matrix.shape[1]
            ok = _mask(batch, ("df", limit), num_perm) & (matrix != np.iinfo(matrix.dtype).max)
            parts = []
            for stride in range(1, strides + 1):
                for first in range(num_perm):
                    second = (first + stride) % num_perm
                    members = np.flatnonzero(ok[:, first] & ok[:, second])
                    key = stride_key(matrix[members, first], matrix[members, second])
                    band = (stride - 1) * num_perm + first
                    parts.append((np.full(len(members), band, dtype=np.int32), key, members))
            yield _key_batch(parts, i, rank)

    return table.mapInArrow(explode, KEY_SCHEMA)


def _key_batch(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]], i: np.ndarray, rank: np.ndarray) -> Any:
    import pyarrow as pa

    band = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int32)
    key = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.uint64)
    members = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    return pa.RecordBatch.from_arrays([pa.array(band), pa.array(_signed(key)), pa.array(i[members]),
                                       pa.array(rank[members])], names=["band", "key", "i", "rank"])


def _volume(keys: Any, cap: int) -> tuple[int, int]:
    """How many pairs the runs of ``keys`` make: every pair, and with each run capped at ``cap`` heads (:func:`run_volume`)."""
    functions = require_pyspark().functions
    size = functions.col("count")
    heads = functions.least(size - 1, functions.lit(cap))
    row = (keys.groupBy("band", "key").count().filter(size >= 2)
           .agg(functions.sum(size * (size - 1) / 2).cast("long").alias("full"),
                functions.sum(heads * size - heads * (heads + 1) / 2).cast("long").alias("capped"))
           .collect()[0])
    return int(row["full"] or 0), int(row["capped"] or 0)


def _run_pairs(keys: Any, cap: int | None) -> Any:
    """``(lo, hi)`` of every two articles in one run of equal keys; with
    ``cap``, a run of more than ``cap + 1`` members gives only the pairs of
    its first ``cap`` by rank with every later member (:func:`_run_pairs` of
    the local search)."""
    sql = require_pyspark()
    functions, window = sql.functions, sql.Window
    run = window.partitionBy("band", "key")
    placed = (keys.withColumn("size", functions.count(functions.lit(1)).over(run)).filter("size >= 2")
              .withColumn("place", functions.row_number().over(run.orderBy("rank"))))
    heads = placed if cap is None else placed.filter((functions.col("size") <= cap + 1) | (functions.col("place") <= cap))
    first, second = heads.alias("x"), placed.alias("y")
    joined = first.join(second, (functions.col("x.band") == functions.col("y.band"))
                        & (functions.col("x.key") == functions.col("y.key"))
                        & (functions.col("x.place") < functions.col("y.place")))
    return joined.select(functions.least("x.i", "y.i").alias("lo"), functions.greatest("x.i", "y.i").alias("hi"))


# --- estimates and the near-duplicate cap ----------------------------------------


def _passing(surfaced: Any, table: Any, n: int, threshold: float, settings: Settings, granularity: str) -> Any:
    """``(lo, hi, plain)`` of the surfaced pairs that pass (:func:`passing`), with their plain estimates."""
    functions = require_pyspark().functions
    dtype = signature_dtype(settings)
    knobs = settings.candidates
    contained = settings.fingerprint if granularity == CONTENT else None
    masked = "df" in table.columns
    columns = ["sig", "df"] if masked else ["sig"]
    low = table.select(functions.col("i").alias("lo"), *[functions.col(c).alias(c + "_lo") for c in columns])
    high = table.select(functions.col("i").alias("hi"), *[functions.col(c).alias(c + "_hi") for c in columns])
    joined = surfaced.join(low, "lo").join(high, "hi")
    common = common_df(n, granularity, knobs)

    def test(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for batch in batches:
            count = batch.num_rows
            if not count:
                continue
            lo, hi = batch.column("lo").to_numpy(), batch.column("hi").to_numpy()
            first = np.frombuffer(b"".join(batch.column("sig_lo").to_pylist()), dtype=dtype).reshape(count, -1)
            second = np.frombuffer(b"".join(batch.column("sig_hi").to_pylist()), dtype=dtype).reshape(count, -1)
            # Each pair's two rows side by side: rows 2k and 2k + 1.
            matrix = np.empty((2 * count, first.shape[1]), dtype=dtype)
            matrix[0::2], matrix[1::2] = first, second
            usable = None
            if masked:
                usable = np.empty(matrix.shape, dtype=bool)
                for at, name in ((0, "df_lo"), (1, "df_hi")):
                    frequencies = np.frombuffer(b"".join(batch.column(name).to_pylist()), dtype=np.float32)
                    usable[at::2] = frequencies.reshape(count, -1) <= common
            keys = np.arange(count, dtype=np.int64) * 2 * (2 * count) + np.arange(count, dtype=np.int64) * 2 + 1
            kept, plain = passing(matrix, usable, keys, threshold, knobs, contained)
            which = kept // (2 * count) // 2
            yield pa.RecordBatch.from_arrays([pa.array(lo[which]), pa.array(hi[which]), pa.array(plain)],
                                             names=["lo", "hi", "plain"])

    return joined.mapInArrow(test, "lo long, hi long, plain double")


def _cap_near_duplicates(passed: Any, table: Any, settings: Settings) -> tuple[Any, int, int]:
    """``passed`` without the near-duplicate pairs neither article keeps
    among its nearest (:func:`cap_near_duplicates`), how many were left
    out, and how many are kept. One job where no article has more
    near-duplicates than the cap (every ordinary feed), three otherwise."""
    sql = require_pyspark()
    functions, window = sql.functions, sql.Window
    knobs = settings.candidates
    cap = knobs.near_duplicate_partners
    is_near = functions.col("plain") >= knobs.near_duplicate
    seen = (passed.filter(is_near).select(functions.col("lo").alias("article"), functions.col("hi").alias("partner"),
                                          "plain")
            .union(passed.filter(is_near).select(functions.col("hi").alias("article"),
                                                 functions.col("lo").alias("partner"), "plain")))
    degrees = seen.groupBy("article").count()
    figures = passed.agg(functions.count(functions.lit(1)).alias("pairs"),
                         functions.sum(is_near.cast("long")).alias("near")).collect()[0]
    total, near_count = int(figures["pairs"]), int(figures["near"] or 0)
    if not near_count or int(degrees.agg(functions.max("count")).collect()[0][0]) <= cap:
        return passed.select("lo", "hi"), 0, total
    ranks = table.select(functions.col("i").alias("partner"), functions.col("rank").alias("partner_rank"))
    each = window.partitionBy("article")
    placed = (seen.join(ranks, "partner")
              .withColumn("degree", functions.count(functions.lit(1)).over(each))
              .withColumn("place", functions.row_number().over(
                  each.orderBy(functions.col("plain").desc(), functions.col("partner_rank")))))
    kept = (placed.filter((functions.col("degree") <= cap) | (functions.col("place") <= cap))
            .select(functions.least("article", "partner").alias("lo"),
                    functions.greatest("article", "partner").alias("hi")).distinct()).persist()
    left_out = near_count - int(kept.count())
    return passed.filter(~is_near).select("lo", "hi").union(kept), left_out, total - left_out


# --- rows ------------------------------------------------------------------------


def _decode(batch: Any, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A batch's row numbers, ranks and signature matrix (one row each)."""
    i = batch.column("i").to_numpy()
    rank = batch.column("rank").to_numpy()
    cells = np.frombuffer(b"".join(batch.column("sig").to_pylist()), dtype=dtype)
    return i, rank, cells.reshape(len(i), -1) if len(i) else cells.reshape(0, 1)


def _signed(values: np.ndarray) -> np.ndarray:
    """Unsigned cells or keys as Spark's signed longs (equality kept)."""
    return values.astype(np.uint64).view(np.int64)
