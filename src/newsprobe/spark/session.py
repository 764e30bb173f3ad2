"""Starting Spark for a newsprobe job: local by default, the cluster's when run under `spark-submit`.

What every Spark job of newsprobe shares: checking that Java and pyspark are there (with a one-line way to get them
when not), the session with the settings the jobs rely on, and the Hadoop-style paths (`s3a://`, `hdfs://`) that tell
an input or an output on a file system Spark reads from a local path.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from newsprobe.core.errors import NewsprobeError

JAVA_HINT = (
    "Spark needs Java 17 or later: install it (Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`; macOS: "
    "`brew install openjdk@17`) or point JAVA_HOME at one"
)
PYSPARK_HINT = "Spark jobs need pyspark: `pip install 'newsprobe[spark]'` (or `make setup` in a checkout)"
# Settings a job relies on, applied unless the user (or spark-submit) set them.
DEFAULTS = {
    "spark.python.worker.reuse": "true",  # keeps each Python worker, and the pipeline it loaded, across tasks
    "spark.sql.execution.arrow.maxRecordsPerBatch": "1000",  # bounds one Arrow batch of article texts
    "spark.sql.adaptive.enabled": "true",
}
LOCAL_DEFAULTS = {
    "spark.ui.enabled": "false",  # no web UI (and no port) for a run on one machine
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "8",  # the default 200 is made for clusters; small stages then cost seconds
}
# For a local job whose work is in Python (`spark analyze`): the JVM's optimising (C2) compiler spent more CPU
# compiling Spark than its code saved (200 articles on 2 cores: 70 CPU s of JVM with it, 38 without, 5-8 s less wall
# time). Not for `spark copies`, whose joins and shuffles are the JVM's own work.
PYTHON_BOUND_LOCAL = {"spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1"}


def is_uri(path: str) -> bool:
    """A path Spark resolves (`s3a://bucket/x`, `hdfs:///x`, `file:///x`) rather than a local file name."""
    return "://" in path or path.startswith("file:")


def require_java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    java = shutil.which("java") or (java_home and shutil.which("java", path=os.path.join(java_home, "bin")))
    if not java:
        raise NewsprobeError(JAVA_HINT)
    return java


def require_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise NewsprobeError(PYSPARK_HINT) from None
    quiet_pandas_warning()


def quiet_pandas_warning() -> None:
    """pyspark warns about the pandas release this project pins; the conversions newsprobe uses are tested with it
    (tests/test_spark.py)."""
    warnings.filterwarnings("ignore", message=".*does not yet fully support pandas.*")


def submitted() -> bool:
    """Whether this process was started by `spark-submit` (which decides the master and the settings)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def session_settings(local: bool, local_conf: dict[str, str] | None = None) -> dict[str, str]:
    """newsprobe's settings for a session, before what spark-submit or the user says (which win)."""
    return {**DEFAULTS, **({**LOCAL_DEFAULTS, **(local_conf or {})} if local else {})}


@contextmanager
def spark_session(master: str | None = None, conf: dict[str, str] | None = None,
                  app_name: str = "newsprobe", local_conf: dict[str, str] | None = None) -> Iterator:
    """A SparkSession for one command: the active one when there is one (a notebook, a test, spark-submit), else a
    new one, `local[*]` unless `master` or spark-submit says otherwise, stopped at the end if this started it.
    `local_conf`: settings for a local session only, under the user's `conf`."""
    require_pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        for key, value in (conf or {}).items():
            active.conf.set(key, value)
        yield active
        return
    if not submitted():
        require_java()
    local = (master or "").startswith("local") or (master is None and not submitted())
    builder = SparkSession.builder.appName(app_name)
    if master or not submitted():
        builder = builder.master(master or "local[*]")
    settings = session_settings(local, local_conf)
    if submitted():  # what spark-submit was told wins over our defaults
        from pyspark import SparkConf, SparkContext

        SparkContext._ensure_initialized()
        given = SparkConf()
        settings = {k: v for k, v in settings.items() if not given.contains(k)}
    settings.update(conf or {})
    if local:
        # Python workers run this interpreter (the one with newsprobe installed), not whatever `python3` is first.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as err:  # the JVM did not start: say why in one line
        raise NewsprobeError(f"cannot start Spark: {' '.join(str(err).split())[:300]}") from None
    spark.sparkContext.setLogLevel(os.environ.get("NEWSPROBE_SPARK_LOG", "WARN"))
    try:
        yield spark
    finally:
        spark.stop()
