"""A Spark session for a scan, and the one-line errors when there can be none:
pyspark not installed, no Java, a master URL Spark does not take.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import ConfigError, ProvenanceError

NEEDS_PYSPARK = "the Spark scan needs pyspark: pip install 'provenance-news[spark]'"

#: The master URLs Spark takes (``local``, ``local[4]``, ``local[*]``,
#: ``local[4,2]``, ``spark://host:port``, ``yarn``, ``k8s://...``, ``mesos://...``):
#: anything else is refused before a JVM is started for it.
MASTER_URL = re.compile(r"local(\[(\*|\d+)(,\d+)?\])?|spark://\S+|yarn|k8s://\S+|mesos://\S+")

#: The driver's log configuration when provenance starts Spark: errors only
#: (Spark's default writes its start-up notices and warnings to standard error).
LOG_CONFIGURATION = Path(__file__).with_name("log4j2.properties")

#: What the JVM itself writes to standard error as it starts, whatever the
#: log configuration (Spark loads an incubating module): not passed on.
_JVM_NOTICES = re.compile(rb"WARNING: Using incubator modules: ")


class SparkUnavailable(ProvenanceError):
    """Spark could not be started here (no pyspark, no Java)."""


def require_pyspark() -> Any:
    """The ``pyspark.sql`` module, or :class:`SparkUnavailable` naming the extra."""
    try:
        import pyspark.sql
        import pyspark.sql.functions
        import pyspark.sql.types
    except ImportError:
        raise SparkUnavailable(NEEDS_PYSPARK) from None
    return pyspark.sql


def java_found() -> bool:
    """Whether a Java runtime is there for Spark to start (``JAVA_HOME`` or ``java`` on the path)."""
    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", "java"), os.X_OK):
        return True
    return shutil.which("java") is not None


def check_master(master: str) -> str:
    """``master`` if Spark takes it as a master URL, else :class:`ConfigError`.

    >>> check_master("local[2]")
    'local[2]'
    >>> check_master("localhost:7077")
    Traceback (most recent call last):
    ...
    provenance.errors.ConfigError: --master 'localhost:7077' is not a Spark master URL (local, local[N], local[*], spark://HOST:PORT, yarn, k8s://URL)
    """
    if not MASTER_URL.fullmatch(master):
        raise ConfigError(f"--master {master!r} is not a Spark master URL "
                          "(local, local[N], local[*], spark://HOST:PORT, yarn, k8s://URL)")
    return master


def start_session(master: str = "local[*]", app_name: str = "provenance", config: dict[str, str] | None = None):
    """A SparkSession on ``master`` (the running one if there is one).

    With a local master the Python workers are this interpreter (which has
    provenance) unless ``PYSPARK_PYTHON`` says otherwise; on a cluster they
    are what the cluster configures, which must have provenance installed too."""
    sql = require_pyspark()
    check_master(master)
    if not java_found():
        raise SparkUnavailable("the Spark scan needs Java 17 or later: no java on the PATH and JAVA_HOME unset "
                               "(on Debian: apt-get install openjdk-17-jre-headless)")
    builder = sql.SparkSession.builder.master(master).appName(app_name)
    settings = {"spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false", **(config or {})}
    cores = re.fullmatch(r"local\[(\d+)(,\d+)?\]", master)
    if cores and "spark.sql.shuffle.partitions" not in settings:
        # Spark's default of 200 shuffle partitions makes every stage of the
        # candidate search 200 tasks, most of them empty, on a few local cores.
        settings["spark.sql.shuffle.partitions"] = str(4 * int(cores.group(1)))
    if master.startswith("local"):
        # pyspark starts its workers with PYSPARK_PYTHON (else ``python3``
        # on the path, which may lack provenance); set it only when unset.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    java_options = settings.get("spark.driver.extraJavaOptions", "")
    if LOG_CONFIGURATION.is_file() and "log4j2.configurationFile" not in java_options:
        # A URI: Spark splits these options at spaces, and a path may hold some.
        settings["spark.driver.extraJavaOptions"] = " ".join(
            filter(None, (java_options, f"-Dlog4j2.configurationFile={LOG_CONFIGURATION.resolve().as_uri()}")))
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        _start_jvm({"spark.master": master, "spark.app.name": app_name, **settings})
        return builder.getOrCreate()
    except Exception as error:  # pyspark raises its own and py4j's kinds, by version
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SparkUnavailable(f"could not start Spark on {master}: {first}") from None


def _start_jvm(settings: dict[str, str]) -> None:
    """Start Spark's JVM, when none is running, with its standard error
    passed on without the notices it prints as it starts (see :data:`_JVM_NOTICES`).

    Only where pyspark would start one itself: a JVM already there (a
    session stopped and started again, ``PYSPARK_GATEWAY_PORT`` set by
    ``spark-submit``) is left for pyspark to use."""
    from pyspark import SparkConf
    from pyspark.context import SparkContext
    from pyspark.java_gateway import launch_gateway

    if "PYSPARK_GATEWAY_PORT" in os.environ or vars(SparkContext).get("_gateway", True) is not None:
        return
    conf = SparkConf(loadDefaults=False)
    for key, value in settings.items():
        conf.set(key, value)
    gateway = launch_gateway(conf, popen_kwargs={"stderr": subprocess.PIPE})
    threading.Thread(target=_pass_on, args=(gateway.proc.stderr,), name="spark-stderr", daemon=True).start()
    with SparkContext._lock:
        SparkContext._gateway, SparkContext._jvm = gateway, gateway.jvm


def _pass_on(stream: BinaryIO) -> None:
    """The JVM's standard error to this process's, line by line, less its start-up notices."""
    with stream:
        for line in iter(stream.readline, b""):
            if _JVM_NOTICES.match(line):
                continue
            try:
                out = sys.stderr
                if hasattr(out, "buffer"):
                    out.buffer.write(line)
                else:
                    out.write(line.decode("utf-8", "replace"))
                out.flush()
            except (OSError, ValueError):  # standard error closed: nothing left to tell
                pass
