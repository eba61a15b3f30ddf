"""Connected components of an edge DataFrame, on Spark: each id mapped to
the smallest id of its component, as :func:`provenance.stories.connected_roots`
maps them on one machine.

The method is the alternation of *large-star* and *small-star* of Kiveris,
Lattanzi, Mirrokni, Rastogi and Vassilvitskii, "Connected Components in
MapReduce and Beyond" (SoCC 2014), in DataFrame operations only (no
GraphFrames, no JARs), and no part of the graph is collected to the driver:
each round sends it one count.

The graph is kept as a set of edges ``(src, dst)`` with ``src > dst``, each
undirected edge once:

* **large-star** -- for each node ``u``, with ``m(u)`` the smallest of ``u``
  and its neighbours, every neighbour ``v > u`` is linked to ``m(u)``
  instead of to ``u``;
* **small-star** -- for each node ``u``, with ``m(u)`` the smallest of ``u``
  and its neighbours ``v < u``, those neighbours and ``u`` itself are linked
  to ``m(u)`` instead.

Both keep every node and every component. The rounds stop once the graph
is a forest of stars, each leaf with one edge to a centre that has no
smaller neighbour: then each component is one star, its centre the
component's smallest id, and a node's root is the smallest of itself and
its neighbours. That test is checked exactly, node by node, not guessed
from an unchanged edge count or a checksum (a large-star can leave a graph
unchanged that is not yet a forest of stars: ``5-1, 5-2, 10-1, 11-2``).

Ids are compared as Spark compares strings: by their UTF-8 bytes, which is
the order of their code points (not of UTF-16 units, as Java compares),
the order Python's ``<`` gives ``str``; so
the roots are exactly :func:`~provenance.stories.connected_roots`'s, for
any partitioning and any order of the rows. (Columns with another Spark
collation are compared as plain bytes all the same.)
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from ..model import Progress
from .session import require_pyspark

#: The columns of the edges DataFrame.
EDGE_COLUMNS = ("a", "b")

#: Spark's collation of strings compared by their UTF-8 bytes (its default).
BINARY = "UTF8_BINARY"


def connected_components(edges: Any, *, checkpoint_every: int = 2, progress: Progress | None = None) -> Any:
    """Every id of ``edges`` (a DataFrame of undirected edges, string columns
    ``a`` and ``b``; duplicates, self-loops and either order are fine) with
    the smallest id of its connected component: a DataFrame ``(id string,
    root string)``, one row per id, in no particular order.

    Each round is two shuffles (large-star: the edges both ways, by node;
    small-star: its output, by node), each a deduplication and a window over
    one node's edges in the same stage; then one count, whether the round
    left a forest of stars. A component of ``n`` ids takes ``O(log² n)``
    rounds at worst. Reading the edges (refusing rows with no id) is one more
    pass, the final join of the ids with their roots one or two shuffles.
    Every ``checkpoint_every`` rounds the edges are checkpointed, so that a
    long run does not grow an ever longer plan; between checkpoints each
    round's edges are persisted. A node's edges all go to one task, so a
    node with millions of neighbours makes one long task.

    The result is computed before it is returned (checkpointed as the
    rounds are), so it holds no cached rounds and no long plan.
    ``progress("components", round, None)`` is called after each round.

    For example (a Spark session, so not run as a doctest here)::

        edges = spark.createDataFrame([("c", "b"), ("b", "a"), ("x", "y"), ("z", "z")], "a string, b string")
        sorted(connected_components(edges).collect())
        # [Row(id='a', root='a'), Row(id='b', root='a'), Row(id='c', root='a'),
        #  Row(id='x', root='x'), Row(id='y', root='x'), Row(id='z', root='z')]
    """
    if isinstance(checkpoint_every, bool) or not isinstance(checkpoint_every, int) or checkpoint_every < 1:
        raise ConfigError(f"checkpoint_every must be a whole number of rounds, at least 1, not {checkpoint_every!r}")
    sql = require_pyspark()
    functions = sql.functions
    pairs = _checked_pairs(sql, edges)
    ids = pairs.select(functions.explode(functions.array("a", "b")).alias("id")).distinct()
    graph = pairs.where(functions.col("a") != functions.col("b")).select(
        functions.greatest("a", "b").alias("src"), functions.least("a", "b").alias("dst"))
    stars = _rounds(sql, graph, checkpoint_every, progress)
    # In a forest of stars each leaf has one edge, down to its centre; a
    # centre, or an id only in self-loops, is its own root.
    roots = stars.where("down = 1").select(functions.col("u").alias("id"), functions.col("m").alias("root"))
    found = _keep(ids.join(roots, "id", "left").select(
        "id", functions.coalesce(functions.col("root"), functions.col("id")).alias("root")), checkpoint=True)
    # A persisted DataFrame stays cached until told; a checkpoint goes when unused.
    stars.unpersist()
    return found


def _rounds(sql: Any, graph: Any, checkpoint_every: int, progress: Progress | None) -> Any:
    """The marked edges (:func:`_marked`) of the forest of stars that rounds
    of large-star and small-star make of ``graph``, kept (:func:`_keep`)."""
    stars, rounds = None, 0
    while True:
        rounds += 1
        marked = _keep(_marked(sql, graph), checkpoint=rounds % checkpoint_every == 0)
        unsettled = marked.where(sql.functions.col("unsettled")).count()
        if stars is not None:
            # Only now: this round's edges were computed from the last's.
            stars.unpersist()
        stars = marked
        if progress is not None:
            progress("components", rounds, None)
        if unsettled == 0:
            return stars
        graph = _small_star(sql, _large_star(marked))


def _checked_pairs(sql: Any, edges: Any) -> Any:
    """``edges``' columns ``a`` and ``b`` as plain strings (compared by their
    bytes), or :class:`ConfigError` saying what is wrong with them."""
    if not isinstance(edges, sql.DataFrame):
        raise ConfigError(f"connected_components needs a Spark DataFrame of edges, not {type(edges).__name__}")
    types = sql.types
    fields = {f.name: f.dataType for f in edges.schema.fields}
    missing = [name for name in EDGE_COLUMNS if name not in fields]
    if missing:
        raise ConfigError(f"the edges DataFrame has no {' or '.join(map(repr, missing))} column "
                          f"(it has: {', '.join(fields) or 'none'})")
    wrong = [f"{name!r} is {fields[name].simpleString()}" for name in EDGE_COLUMNS
             if not isinstance(fields[name], types.StringType)]
    if wrong:
        raise ConfigError(f"the edges DataFrame's ids must be strings: {', '.join(wrong)}")
    functions = sql.functions
    # A column with another collation (Spark 4, say UTF8_LCASE) would
    # compare "A" and "a" as equal; the roots must follow Python's order.
    pairs = edges.select(*(
        functions.col(n) if getattr(fields[n], "collation", BINARY) == BINARY
        else functions.collate(functions.col(n), BINARY).alias(n) for n in EDGE_COLUMNS))
    if pairs.where(functions.col("a").isNull() | functions.col("b").isNull()).limit(1).count():
        raise ConfigError("the edges DataFrame has rows with no id in 'a' or 'b'")
    return pairs


def _marked(sql: Any, graph: Any) -> Any:
    """Each edge of ``graph`` from each end ``u`` to the other ``v`` (once,
    however often the edge is there), with ``m``, the smallest of ``u`` and
    its neighbours, and ``unsettled``, whether ``u`` breaks the forest of
    stars: a leaf with two centres, or a node with both a smaller and a
    larger neighbour. One shuffle (by ``u``)."""
    functions, window = sql.functions, sql.Window
    col = functions.col
    both = graph.select(col("src").alias("u"), col("dst").alias("v"), functions.lit(1).alias("down")).unionByName(
        graph.select(col("dst").alias("u"), col("src").alias("v"), functions.lit(0).alias("down")))
    # Partitioned by u, the deduplication and the window run in the
    # shuffle's stage: neither needs one of its own.
    node = window.partitionBy("u")
    marked = both.repartition("u").dropDuplicates(["u", "v"]).select(
        "u", "v", "down", functions.least(col("u"), functions.min("v").over(node)).alias("m"),
        functions.sum("down").over(node).alias("below"), functions.count("v").over(node).alias("edges"))
    return marked.select("u", "v", "down", "m", (
        (col("below") > 1) | ((col("below") == 1) & (col("edges") > 1))).alias("unsettled"))


def _large_star(marked: Any) -> Any:
    """Large-star: each neighbour ``v > u`` of each node ``u`` linked to
    ``m(u)`` (possibly more than once; the next shuffle deduplicates)."""
    return marked.where("down = 0").selectExpr("v AS src", "m AS dst")


def _small_star(sql: Any, graph: Any) -> Any:
    """Small-star: each node ``u``'s smaller neighbours, and ``u``, linked to
    the smallest of them (possibly more than once). One shuffle (by ``src``)."""
    functions, window = sql.functions, sql.Window
    col = functions.col
    lowest = functions.min("dst").over(window.partitionBy("src")).alias("lowest")
    nodes = graph.repartition("src").dropDuplicates(["src", "dst"]).select("src", "dst", lowest)
    links = nodes.select(functions.explode(functions.array(
        functions.struct(col("dst").alias("src"), col("lowest").alias("dst")),
        functions.struct(col("src").alias("src"), col("lowest").alias("dst")))).alias("link"))
    return links.select("link.src", "link.dst").where(col("src") != col("dst"))


def _keep(frame: Any, *, checkpoint: bool) -> Any:
    """``frame`` computed once for the rounds after it: checkpointed (its
    plan cut short) or persisted.

    With a checkpoint directory set on the SparkContext the checkpoint is
    reliable (written there, so it survives a lost executor: worth it for a
    long job on a cluster); without one it is local (kept by the executors
    that computed it, with nothing to set up, but a lost executor fails the
    job, its lineage being cut)."""
    if not checkpoint:
        return frame.persist()
    try:
        reliable = frame.sparkSession.sparkContext.getCheckpointDir() is not None
    except Exception:  # Spark Connect has no SparkContext, but has local checkpoints.
        reliable = False
    return frame.checkpoint(eager=True) if reliable else frame.localCheckpoint(eager=True)
