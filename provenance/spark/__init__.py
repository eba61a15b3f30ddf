"""The scan on Apache Spark (the optional extra ``spark``:
``pip install 'provenance-news[spark]'``): a DataFrame of articles in,
DataFrames of relations and stories out, the same answers as the local scan.

pyspark is imported only when a function here is called, so that
``import provenance.spark`` works (and says what is missing) without it.
"""

from .scan import (
    ARTICLE_COLUMNS,
    RELATION_COLUMNS,
    STORY_COLUMNS,
    SparkScan,
    relation_rows,
    scan_dataframe,
    scan_spark,
    story_rows,
)
from .session import NEEDS_PYSPARK, start_session

__all__ = [
    "ARTICLE_COLUMNS",
    "NEEDS_PYSPARK",
    "RELATION_COLUMNS",
    "STORY_COLUMNS",
    "SparkScan",
    "relation_rows",
    "scan_dataframe",
    "scan_spark",
    "start_session",
    "story_rows",
]
