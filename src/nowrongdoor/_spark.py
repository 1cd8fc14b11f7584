"""The one Spark session builder, shared by the population and ads engines.

A local session (``local[N]``) is the default; a cluster is chosen by its master
URL (``spark://host:7077``, ``yarn``, ``k8s://...``) from the ``spark_master``
setting, at the edge (the CLI), never inside a pipeline step.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

__all__ = ["spark_session"]


def spark_session(
    warehouse_dir: Path,
    *,
    master: str | None = None,
    cores: int = 2,
    app_name: str = "nowrongdoor",
    driver_host: str = "127.0.0.1",
) -> Any:
    """Build (or reuse) a Spark session with the project's settings.

    Args:
        warehouse_dir: Where Spark may write tables (``spark.sql.warehouse.dir``);
            a fresh temporary folder per run avoids ``LOCATION_ALREADY_EXISTS``.
        master: Spark master URL; ``None`` runs locally with ``cores`` threads.
        cores: Local worker threads, and the shuffle partitions of a run.
        app_name: Spark application name.
        driver_host: Address the executors reach the driver on.

    Returns:
        A ``pyspark.sql.SparkSession`` whose log level is ``ERROR``.
    """
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(master or f"local[{cores}]")
        .appName(app_name)
        .config("spark.driver.host", driver_host)
        .config("spark.driver.bindAddress", driver_host)
        .config("spark.sql.warehouse.dir", str(warehouse_dir))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(cores))
        .config("spark.default.parallelism", str(cores))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.pyspark.driver.python", sys.executable)
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark
