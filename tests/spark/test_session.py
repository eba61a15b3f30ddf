"""Starting Spark: master URLs checked before a JVM is started."""

from __future__ import annotations

import pytest

from provenance.errors import ConfigError
from provenance.spark.session import check_master, java_found, start_session


@pytest.mark.parametrize("master", ["local", "local[2]", "local[*]", "local[4,2]", "spark://head:7077", "yarn",
                                    "k8s://https://host:443"])
def test_master_urls_spark_takes(master):
    assert check_master(master) == master


@pytest.mark.parametrize("master", ["", "localhost:7077", "local[two]", "spark:/head", "http://head:7077"])
def test_other_master_urls_are_refused(master):
    with pytest.raises(ConfigError, match="is not a Spark master URL"):
        check_master(master)


def test_bad_master_refused_before_spark_starts():
    pytest.importorskip("pyspark", reason="pyspark not installed: pip install 'provenance-news[spark]'")
    with pytest.raises(ConfigError, match="'spark:/head' is not a Spark master URL"):
        start_session("spark:/head")


def test_the_session_runs_python_with_provenance(spark):
    import provenance

    def where(_):
        import provenance as there

        yield there.__file__

    assert java_found()
    assert set(spark.sparkContext.parallelize(range(2), 2).mapPartitions(where).collect()) == {provenance.__file__}


def test_no_java_is_one_line_naming_the_package(tmp_path):
    """With no java on the PATH and no JAVA_HOME, no JVM is tried."""
    pytest.importorskip("pyspark", reason="pyspark not installed: pip install 'provenance-news[spark]'")
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "PATH")}
    env["PATH"] = str(tmp_path)  # an empty folder: no java there
    code = ("from provenance.spark import start_session\n"
            "try:\n    start_session('local[1]')\n"
            "except Exception as error:\n    print(type(error).__name__, error)\n")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == ("SparkUnavailable the Spark scan needs Java 17 or later: no java on the PATH and "
                                   "JAVA_HOME unset (on Debian: apt-get install openjdk-17-jre-headless)")
