"""A real Spark session on this machine (``local[2]``) for the Spark tests,
started once; they skip, saying why, where pyspark or Java is missing."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark", reason="pyspark not installed: pip install 'provenance-news[spark]'")
    from provenance.spark.session import java_found, start_session

    if not java_found():
        pytest.skip("no Java runtime for Spark (java on the PATH or JAVA_HOME): "
                    "apt-get install openjdk-17-jre-headless")
    session = start_session("local[2]", "provenance-tests", {"spark.sql.shuffle.partitions": "4"})
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
