"""Connected components on Spark give exactly the roots that
:func:`provenance.stories.connected_roots` gives on one machine: on random
graphs, stars, a long path, duplicate edges, self-loops and ids outside
ASCII, for one partition or eight, checkpointed every round or every other.

Spark is slow to start jobs, so each call here checks many graphs at once:
disjoint graphs, their ids prefixed apart, in one edges DataFrame.
"""

from __future__ import annotations

import math
import random

import pytest

from provenance.errors import ConfigError
from provenance.spark.components import connected_components
from provenance.stories import connected_roots

SCHEMA = "a string, b string"


def roots_on_spark(spark, links, partitions=4, **options):
    """``connected_components`` of ``links`` as a dict, and how many rounds it took."""
    rounds = []
    edges = spark.createDataFrame(links, SCHEMA).repartition(partitions)
    found = connected_components(edges, progress=lambda stage, done, total: rounds.append(done), **options)
    rows = found.collect()
    assert [f.dataType.simpleString() for f in found.schema.fields] == ["string", "string"]
    assert found.columns == ["id", "root"]
    assert len(rows) == len({row.id for row in rows})
    return {row.id: row.root for row in rows}, len(rounds)


def random_graph(rng: random.Random, prefix: str) -> list[tuple[str, str]]:
    """Edges among a few ids: sparse to dense, with repeats, self-loops and
    either order. The ids are numbers not padded ("10" < "9") and some not ASCII."""
    names = [f"{prefix}{n}" for n in range(rng.randint(1, 40))]
    names += [f"{prefix}{word}" for word in rng.sample(["é", "e\u0301", "Ω", "ω", "日本", "𝔘", "\uffee", "Z", "z", "\u00a0"], 3)]
    links = [(rng.choice(names), rng.choice(names)) for _ in range(rng.randint(0, 2 * len(names)))]
    links += [(b, a) for a, b in rng.sample(links, len(links) // 4)]
    links += [(x, x) for x in rng.sample(names, 2)]
    return links


def stars(prefix: str) -> list[tuple[str, str]]:
    """A star whose centre is its smallest id, one whose centre is its
    largest, one whose centre is in the middle, and two stars joined by a leaf."""
    leaves = [f"{prefix}{n:02d}" for n in range(1, 30)]
    return ([(f"{prefix}00", leaf) for leaf in leaves]
            + [(leaf.replace(prefix, prefix + "b"), f"{prefix}b99") for leaf in leaves]
            + [(f"{prefix}c15", leaf.replace(prefix, prefix + "c")) for leaf in leaves]
            + [(f"{prefix}d50", f"{prefix}d{n}") for n in range(60, 90)]
            + [(f"{prefix}d{n}", f"{prefix}d40") for n in range(10, 30)] + [(f"{prefix}d40", f"{prefix}d89")])


def graphs() -> list[tuple[str, str]]:
    """Sixty random graphs, the stars, a clique with every edge three times
    and ids outside ASCII."""
    links = []
    for seed in range(60):
        links += random_graph(random.Random(seed), f"g{seed}:")
    links += stars("s:")
    clique = [f"k:{n}" for n in range(12)]
    links += [(a, b) for a in clique for b in clique if a != b] * 3
    # Code point order, as Python's: U+1D518 after U+FFEE (not before, as in
    # UTF-16), and no normalising ("é" is not "e" and a combining accent).
    links += [("u:𝔘", "u:\uffee"), ("u:é", "u:e\u0301"), ("u:日本", "u:Ω"), ("u:Ω", "u:ω")]
    return links


@pytest.mark.parametrize("partitions, checkpoint_every", [(1, 1), (8, 2)])
def test_same_roots_as_connected_roots(spark, partitions, checkpoint_every):
    links = graphs()
    random.Random(partitions).shuffle(links)
    found, _ = roots_on_spark(spark, links, partitions, checkpoint_every=checkpoint_every)
    assert found == connected_roots(links)
    assert found["k:5"] == "k:0" and found["s:b99"] == "s:b01" and found["s:d89"] == "s:d10"
    assert found["u:𝔘"] == "u:\uffee" and found["u:é"] == "u:e\u0301" and found["u:日本"] == "u:Ω"


def test_long_path_in_few_rounds(spark):
    # A path of 200 ids whose order along the path is not their sorted
    # order, its edges shuffled and half of them reversed: the longest
    # chain of small steps for a min-label propagation (199 rounds); the
    # stars take O(log² n) rounds.
    ids = [f"p{n:03d}" for n in random.Random(7).sample(range(200), 200)]
    links = [(ids[i], ids[i + 1]) if i % 2 else (ids[i + 1], ids[i]) for i in range(199)]
    random.Random(8).shuffle(links)
    found, rounds = roots_on_spark(spark, links)
    assert found == connected_roots(links) == {x: "p000" for x in ids}
    assert rounds <= math.log2(200) ** 2


def test_rounds_stop_only_at_a_forest_of_stars(spark):
    # Alone, as a graph with others goes on for as long as they need. After
    # one round this is e-a, e-b, j-a, k-b, which a large-star leaves as it
    # is; a second round joins b to a.
    links = [("j", "e"), ("j", "a"), ("k", "e"), ("k", "b")]
    found, rounds = roots_on_spark(spark, links)
    assert found == connected_roots(links) == dict.fromkeys("abejk", "a")
    assert rounds == 4


def test_no_edges(spark):
    found, rounds = roots_on_spark(spark, [])
    assert found == {} and rounds == 1


def test_ids_with_a_collation_are_compared_as_python_compares_them(spark):
    functions = pytest.importorskip("pyspark.sql.functions")
    if not hasattr(functions, "collate"):
        pytest.skip("collations are Spark 4's")
    edges = spark.createDataFrame([("A", "a"), ("b", "B"), ("c", "c")], SCHEMA).select(
        *(functions.collate(name, "UTF8_LCASE").alias(name) for name in ("a", "b")))
    found = {row.id: row.root for row in connected_components(edges).collect()}
    assert found == connected_roots([("A", "a"), ("b", "B"), ("c", "c")]) == {"A": "A", "a": "A", "B": "B", "b": "B",
                                                                                  "c": "c"}


def test_edges_it_cannot_take_are_refused(spark):
    with pytest.raises(ConfigError, match="has no 'b' column"):
        connected_components(spark.createDataFrame([("x", "y")], "a string, c string"))
    with pytest.raises(ConfigError, match="ids must be strings: 'b' is bigint"):
        connected_components(spark.createDataFrame([("x", 1)], "a string, b long"))
    with pytest.raises(ConfigError, match="rows with no id"):
        connected_components(spark.createDataFrame([("x", "y"), ("y", None)], SCHEMA))
    with pytest.raises(ConfigError, match="needs a Spark DataFrame of edges, not list"):
        connected_components([("x", "y")])
    with pytest.raises(ConfigError, match="checkpoint_every must be .* at least 1, not 0"):
        connected_components(spark.createDataFrame([("x", "y")], SCHEMA), checkpoint_every=0)
