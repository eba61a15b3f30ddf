"""The candidate search over DataFrames finds the local search's pairs, with
its figures, under every layout the local search can choose: single cells,
wider bands with rare shingles, strided two-row bands, capped runs of
near-duplicates, and the near-duplicate cap."""

from __future__ import annotations

import numpy as np
import pytest

from provenance import Article, Settings
from provenance.candidates import granularity_candidates
from provenance.model import GRANULARITIES
from provenance.pipeline.stages import prepare
from provenance.spark.candidates import granularity_pairs
from provenance.stories import source_rank


@pytest.fixture(scope="module")
def signed():
    """600 generated articles (wire stories, copies, rewrites, partial reuse,
    near-identical briefs), their rows in id order and their source ranks."""
    from benchmarks.generate import NewsGenerator, corpus

    made = corpus(NewsGenerator(seed=7, words=(120, 260)), 600)
    articles = sorted((Article(id=a.id, text=a.text, title=a.title, outlet=a.outlet, published=a.published)
                       for a in made.articles), key=lambda a: a.id)
    return articles


def local_and_spark(spark, articles, settings, granularity, partitions=3):
    stored, matrices = prepare(articles, settings)
    matrix = matrices[granularity]
    order = sorted(range(len(stored)), key=lambda i: source_rank(stored[i]))
    rank = np.empty(len(stored), dtype=np.int64)
    rank[order] = np.arange(len(stored))
    keys, figures = granularity_candidates(matrix, granularity, settings, rank=rank)
    n = len(matrix)
    local = sorted((int(k // n), int(k % n)) for k in keys)
    table = spark.createDataFrame([(i, int(rank[i]), bytearray(matrix[i].tobytes())) for i in range(n)],
                                  "i long, rank long, sig binary").repartition(partitions)
    pairs, found_figures = granularity_pairs(table, n, granularity, settings)
    return local, figures, sorted((r["lo"], r["hi"]) for r in pairs.collect()), found_figures


@pytest.mark.slow
@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_default_layout(spark, signed, granularity):
    local, figures, found, found_figures = local_and_spark(spark, signed, Settings(), granularity)
    assert len(local) > 100
    assert found == local
    assert found_figures == figures
    if granularity == "words":  # 600 articles: the publishers' trailers are common
        assert figures["common_cells"] > 0


@pytest.mark.slow
@pytest.mark.parametrize("knobs, expect", [
    # A budget the single cells overflow: two-row bands, strided.
    (dict(pair_budget=4000), lambda f: f["band_rows"] == 2 and f["band_strides"] > 0),
    # Too small for one stride: bands of five rows and the rare cells; the
    # near-duplicate bands overflow it too, and their runs are capped.
    (dict(pair_budget=300), lambda f: f["band_rows"] == 5 and f["band_strides"] == 0),
    # Few near-duplicate partners: near-duplicates left out.
    (dict(pair_budget=300, near_duplicate_partners=1, near_duplicate=0.1),
     lambda f: f["near_duplicates_left_out"] > 0),
])
def test_every_layout(spark, signed, knobs, expect):
    settings = Settings(**knobs)
    local, figures, found, found_figures = local_and_spark(spark, signed, settings, "words", partitions=4)
    assert expect(figures), figures
    assert found == local
    assert found_figures == figures


def test_a_shingles_frequency_is_summed_once_not_once_per_cell(spark, signed):
    """In the plan Spark runs, the sum of a shingle's cells comes before the
    explode that sends it to each cell; placed after it, the sum is made
    again for every cell, quadratic in a common shingle's cells."""
    from provenance.spark.candidates import _frequencies

    settings = Settings()
    _, matrices = prepare(signed[:50], settings)
    matrix = matrices["words"]
    table = spark.createDataFrame([(i, i, bytearray(matrix[i].tobytes())) for i in range(len(matrix))],
                                  "i long, rank long, sig binary")
    plan = _frequencies(table, len(matrix), "words", settings)._jdf.queryExecution().optimizedPlan().toString()
    lines = plan.splitlines()
    generate = next(n for n, line in enumerate(lines) if "Generate explode" in line)
    summed = [n for n, line in enumerate(lines) if "aggregate(" in line and "lambda" in line]
    assert summed and all(n > generate for n in summed), plan  # below the explode: computed before it
