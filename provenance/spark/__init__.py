"""The scan on Apache Spark (the optional extra ``spark``:
``pip install 'provenance-news[spark]'``): a DataFrame of articles in,
DataFrames of relations, stories and ledgers out, the same answers as the
local scan.

pyspark is imported only when a function here is called, so that
``import provenance.spark`` works (and says what is missing) without it.
"""

from .scan import (
    ARTICLE_COLUMNS,
    LEDGER_COLUMNS,
    RELATION_COLUMNS,
    STORY_COLUMNS,
    SparkScan,
    SparkTables,
    ledger_rows,
    relation_rows,
    scan_dataframe,
    scan_spark,
    scan_tables,
    story_rows,
)
from .session import NEEDS_PYSPARK, start_session

__all__ = [
    "ARTICLE_COLUMNS",
    "LEDGER_COLUMNS",
    "NEEDS_PYSPARK",
    "RELATION_COLUMNS",
    "STORY_COLUMNS",
    "SparkScan",
    "SparkTables",
    "ledger_rows",
    "relation_rows",
    "scan_dataframe",
    "scan_spark",
    "scan_tables",
    "start_session",
    "story_rows",
]
