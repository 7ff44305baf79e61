"""The databases splink runs the linkage in: DuckDB in memory, or Spark.

Both hold the names of victims while they work; neither may write them to
disk in clear (property 1 of the threat model).

DuckDB is the default: in this process and in memory. Its temporary
directory is unset, so a query that runs out of memory fails ("no temporary
directory is specified") instead of spilling blocks of records to a file;
SQL access to files is turned off (no `COPY ... TO`) and the configuration
is then locked, so no later statement can turn either back on. The
connection is closed when the linkage ends.

Spark runs the same SQL on a local or larger cluster, for lists that
outgrow one machine. It always writes shuffle blocks and, under memory
pressure, cached blocks to its local directories. `local_spark()` puts
those in a private temporary folder (mode 0700, removed when the session
stops) and encrypts them with a key that lives only in the Spark process
(`spark.io.encryption.enabled`), which also makes PySpark hand data to the
JVM over a local socket rather than through a temporary file. Splink's
intermediate tables are local checkpoints in Spark's block manager (memory,
else that encrypted local disk), never Parquet files or reliable
checkpoints, and are released when the linkage ends. A session handed in
from elsewhere must have local disk encryption on, or the linkage refuses
to run (`SparkUnsafe`).
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

Backend = Literal["duckdb", "spark"]

# Spark 4 runs on Java 17 or later.
JAVA_MAJOR = 17


class SparkUnsafe(RuntimeError):
    """The Spark session would write records to disk in clear."""


class SparkUnavailable(RuntimeError):
    """No Java runtime that Spark can start on."""


@contextmanager
def duckdb_database() -> Iterator[Any]:
    """Splink on a fresh in-memory DuckDB that never writes a file."""
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect(":memory:")
    try:
        connection.execute("SET temp_directory = ''")
        connection.execute("SET enable_external_access = false")
        connection.execute("SET lock_configuration = true")
        yield DuckDBAPI(connection=connection)
    finally:
        connection.close()


def java_runtime() -> str:
    """The Java that PySpark will start ($JAVA_HOME/bin/java, else java on
    the PATH), checked to be recent enough; a clear error instead of
    PySpark's "Java gateway process exited" when it is missing."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home, "bin", "java")) if home else shutil.which("java")
    if not java or not os.access(java, os.X_OK):
        raise SparkUnavailable(
            f"the Spark backend needs a Java runtime, {JAVA_MAJOR} or later: install "
            "openjdk-17-jre-headless (scripts/system-deps.sh does) or set JAVA_HOME"
        )
    shown = subprocess.run(  # noqa: S603 - the runtime PySpark would start, no shell
        [java, "-version"], capture_output=True, text=True, timeout=60, check=False
    )
    found = re.search(r'version "(\d+)(?:\.(\d+))?', shown.stderr + shown.stdout)
    major = int(found.group(1)) if found else 0
    if major == 1 and found and found.group(2):  # "1.8.0" is Java 8
        major = int(found.group(2))
    if major < JAVA_MAJOR:
        raise SparkUnavailable(
            f"the Spark backend needs Java {JAVA_MAJOR} or later; {java} is "
            f"{found.group(0) if found else 'of an unknown version'}"
        )
    return java


# What keeps Spark's local files private and encrypted: not to be changed
# through `local_spark(settings=...)`.
PROTECTED_SETTINGS = frozenset(
    {
        "spark.local.dir",
        "spark.io.encryption.enabled",
        "spark.sql.warehouse.dir",
        "spark.ui.enabled",
    }
)


FOLDER_PREFIX = "safepassage-spark-"
OWNER_FILE = "owner.pid"


def _remove_orphans() -> None:
    """Remove the folders of Spark sessions whose process is gone (killed,
    so it could not clean up). What they hold was encrypted with a key that
    died with that process; removing them keeps the disk from filling."""
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        try:
            owner = int((folder / OWNER_FILE).read_text(encoding="ascii"))
        except (OSError, ValueError):
            continue  # not ours to judge (or still being created)
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            continue  # alive, someone else's


# For lists small enough that each query costs more to plan and compile than
# to run: no whole-stage code generation, no adaptive re-planning, one
# shuffle partition, the JVM's quick compiler.
SMALL_LIST_SETTINGS = {
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.shuffle.partitions": "1",
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
}
SMALL_LIST = 20_000


@contextmanager
def local_spark(
    cores: int | None = None, memory: str = "2g", settings: Mapping[str, str] | None = None
) -> Iterator[Any]:
    """A Spark session in this machine's process (on `cores` cores, all by
    default), with private, encrypted local files and splink's similarity
    functions; stopped and its folder removed on exit. Raises
    `SparkUnavailable` without a Java runtime.

    `settings` adds Spark settings (tuning); options in
    "spark.driver.extraJavaOptions" are added to ours, and the settings
    that keep local files private cannot be changed."""
    extra = dict(settings or {})
    if PROTECTED_SETTINGS & extra.keys():
        raise ValueError(f"these Spark settings are fixed: {sorted(PROTECTED_SETTINGS)}")
    java_runtime()
    # py4j logs each connection it opens and closes, some of them while the
    # interpreter shuts down: nothing an operator needs.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    _remove_orphans()
    # mkdtemp makes the folder readable by this user only (0700).
    folder = tempfile.mkdtemp(prefix=FOLDER_PREFIX)
    Path(folder, OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")

    def remove() -> None:
        shutil.rmtree(folder, ignore_errors=True)

    # Removed again when Python exits: the JVM can still be writing to it
    # just after the session stops. Registered before PySpark starts the
    # JVM, so it runs after PySpark has killed it.
    atexit.register(remove)
    cores = cores or os.cpu_count() or 2
    partitions = str(max(2, 2 * cores))
    java_options = f"-Djava.io.tmpdir={folder} {extra.pop('spark.driver.extraJavaOptions', '')}"
    chosen = {
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.memory": memory,
        "spark.sql.shuffle.partitions": partitions,
        "spark.default.parallelism": partitions,
        "spark.log.level": "ERROR",
        **extra,
        "spark.ui.enabled": "false",
        "spark.local.dir": folder,
        "spark.driver.extraJavaOptions": java_options.strip(),
        "spark.sql.warehouse.dir": os.path.join(folder, "warehouse"),
        "spark.io.encryption.enabled": "true",
        "spark.jars": similarity_jar_location(),
    }
    builder = SparkSession.builder.master(f"local[{cores}]").appName("safepassage-linkage")
    for key, value in chosen.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except BaseException:
        remove()
        raise
    if session.sparkContext.getConf().get("spark.local.dir") != folder:
        # getOrCreate() handed back a context that was already running,
        # started with settings of its own: not ours to use or to stop.
        remove()
        raise SparkUnsafe("a Spark context is already running in this process: pass it in")
    try:
        yield session
    finally:
        session.stop()
        remove()


def _encrypts_local_files(session: Any) -> bool:
    """Whether the running Spark context encrypts what it writes locally.

    Read from the context's own configuration: that is what its block
    manager was started with. A session without one (Spark Connect) cannot
    be checked, so it counts as unsafe."""
    try:
        conf = session.sparkContext.getConf()
    except Exception:  # any failure to read it means "cannot tell"
        return False
    return str(conf.get("spark.io.encryption.enabled", "false")).lower() == "true"


# The intermediate tables splink 5.0 breaks the lineage of
# (SparkAPI._break_lineage_and_repartition), and the agreement patterns that
# every iteration of expectation maximisation reads.
KEPT_TABLES = re.compile(
    r"__splink__("
    r"df_comparison_vectors|df_concat_sample|df_concat_with_tf|df_predict|df_tf_.+"
    r"|df_representatives.*|representatives.*|df_neighbours|df_connected_components_df"
    r"|blocked_id_pairs|marginal_exploded_ids_blocking_rule.*|nodes_in_play|edges_in_play"
    r"|clusters_at_threshold|distinct_clusters_at_threshold|clusters_at_all_thresholds"
    r"|clustering_output_final|stable_nodes_at_new_threshold|filtered_neighbours.*"
    r"|agreement_pattern_counts"
    r")"
)


def _splink_on_spark(session: Any) -> Any:
    """Splink's Spark API, keeping intermediate tables as local checkpoints.

    Splink's choices all fall short here: "persist" keeps each table's whole
    history, so that every step of its iterative clustering plans all the
    steps before it again (clustering a small list took ten times longer);
    "checkpoint" and "parquet" write files that Spark does not encrypt. A local checkpoint
    cuts the history and keeps the rows in Spark's block manager: in
    memory, else on local disk, encrypted."""
    from splink import SparkAPI

    class LocallyCheckpointed(SparkAPI):
        def _break_lineage_and_repartition(
            self, spark_df: Any, templated_name: str, physical_name: str
        ) -> Any:
            spark_df = self._repartition_if_needed(spark_df, templated_name)
            if KEPT_TABLES.fullmatch(templated_name):
                spark_df = spark_df.localCheckpoint(eager=True)
            return spark_df

    return LocallyCheckpointed(spark_session=session, break_lineage_method="persist")


def _splink_views(session: Any) -> set[str]:
    return {
        table.name
        for table in session.catalog.listTables()
        if table.isTemporary and table.name.startswith("__splink__")
    }


def _kept_blocks(session: Any) -> set[int]:
    """Ids of the RDDs whose blocks Spark keeps (checkpoints, caches)."""
    return {int(key) for key in session.sparkContext._jsc.getPersistentRDDs().keySet()}


@contextmanager
def spark_database(session: Any) -> Iterator[Any]:
    """Splink on a Spark session that encrypts what it writes locally.

    What splink keeps during the linkage is released and its views dropped
    at the end, so a long-lived session holds no records of a finished
    linkage (one linkage at a time per session)."""
    if not _encrypts_local_files(session):
        raise SparkUnsafe(
            "the Spark session must encrypt its local files "
            "(spark.io.encryption.enabled=true): open it with local_spark()"
        )
    views, blocks = _splink_views(session), _kept_blocks(session)
    try:
        yield _splink_on_spark(session)
    finally:
        for name in _splink_views(session) - views:
            session.catalog.dropTempView(name)
        kept = session.sparkContext._jsc.getPersistentRDDs()
        for rdd in _kept_blocks(session) - blocks:
            kept[rdd].unpersist(False)


def to_arrow(rows: Sequence[dict[str, Any]], columns: list[str], types: dict[str, str]) -> Any:
    """The rows' named columns as an Arrow table with fixed types: what both
    databases read without a copy through pandas, and nothing else of a
    record."""
    import pyarrow as pa

    arrow_types = {"int": pa.int64(), "string": pa.string(), "bool": pa.bool_()}
    return pa.table(
        {
            column: pa.array([row.get(column) for row in rows], type=arrow_types[types[column]])
            for column in columns
        }
    )
