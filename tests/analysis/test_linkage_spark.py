"""Linking on Spark gives the people that DuckDB gives; Spark's local files
are private and encrypted, and a session that would write in clear is
refused.

Spark really runs here, in local mode. It needs a Java runtime, which
scripts/system-deps.sh installs: without one these tests fail, saying so,
rather than skip.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from safepassage.analysis import linkage, synthetic

# PySpark checks the pandas version even when given an Arrow table, as here.
pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

# A name that must never be found in Spark's files in clear.
MARKER = "Бисултанов Зелимхан Spark-marker"


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    quick = linkage.backends.SMALL_LIST_SETTINGS
    with linkage.local_spark(cores=2, memory="1g", settings=quick) as session:
        yield session


@pytest.fixture(scope="module")
def lists() -> tuple[list[dict[str, Any]], dict[int, int]]:
    records, _seen = synthetic.generate(people=300, lists=4, seed=5)
    source = [
        linkage.SourceRecord(r.list_name, r.record_id, r.name, r.birth, r.place) for r in records
    ]
    truth = {i: r.person_id for i, r in enumerate(records)}
    return linkage.prepare(source, 2017), truth


def _kept_blocks(session: Any) -> int:
    return int(session.sparkContext._jsc.getPersistentRDDs().size())


def test_it_finds_a_java_runtime_for_spark() -> None:
    assert os.access(linkage.java_runtime(), os.X_OK)


def test_it_says_clearly_when_java_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(linkage.SparkUnavailable, match="openjdk-17-jre-headless"):
        linkage.java_runtime()


def test_it_links_the_same_people_on_spark_and_duckdb(
    spark: Any, lists: tuple[list[dict[str, Any]], dict[int, int]]
) -> None:
    rows, truth = lists
    views, blocks = set(spark.catalog.listTables()), _kept_blocks(spark)
    on_duckdb = linkage.link(rows)
    on_spark = linkage.link(rows, backend="spark", spark_session=spark)
    assert on_spark.trained == on_duckdb.trained
    assert linkage.evaluate(truth, on_duckdb).f1 > 0.75
    # The same people, as sets of records (cluster ids may differ). Exactly:
    # at this size the u probabilities come from every pair, not a sample
    # (each database samples its own way), so both learn the same model.
    assert sorted(map(sorted, on_spark.people().values())) == sorted(
        map(sorted, on_duckdb.people().values())
    )
    spark_pairs = {(left, right): p for left, right, p in on_spark.pairs}
    duckdb_pairs = {(left, right): p for left, right, p in on_duckdb.pairs}
    assert spark_pairs.keys() == duckdb_pairs.keys()
    # (Each database's expectation maximisation ends a few millionths apart;
    # the chance for each pair of lists, learnt from fewer pairs than the
    # chance for all, carries that to a few millionths of a probability.)
    assert all(abs(spark_pairs[pair] - p) < 1e-5 for pair, p in duckdb_pairs.items())
    # Nothing of this linkage stays in the session.
    assert set(spark.catalog.listTables()) == views
    assert _kept_blocks(spark) == blocks


def test_it_keeps_spark_files_in_a_private_folder(spark: Any) -> None:
    conf = spark.sparkContext.getConf()
    folder = Path(conf.get("spark.local.dir"))
    assert folder.name.startswith("safepassage-spark-")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert f"-Djava.io.tmpdir={folder}" in conf.get("spark.driver.extraJavaOptions")
    assert conf.get("spark.ui.enabled") == "false"


def test_it_encrypts_what_spark_writes_to_disk(spark: Any) -> None:
    from pyspark import StorageLevel

    assert spark.sparkContext.getConf().get("spark.io.encryption.enabled") == "true"
    folder = Path(spark.sparkContext.getConf().get("spark.local.dir"))
    frame = spark.createDataFrame([(MARKER, n) for n in range(2000)], "name string, n int")
    # A shuffle, then blocks kept on disk only: both are written to files.
    on_disk = frame.repartition(3).localCheckpoint(eager=True, storageLevel=StorageLevel.DISK_ONLY)
    try:
        written = [path for path in folder.rglob("*") if path.is_file() and path.stat().st_size]
        assert any(path.name.startswith("rdd_") for path in written)  # the disk blocks
        assert written
        for path in written:
            assert MARKER.encode() not in path.read_bytes(), path.name
    finally:
        on_disk.unpersist()


def test_it_refuses_a_spark_session_that_writes_in_clear() -> None:
    class Conf:
        def get(self, key: str, default: str | None = None) -> str | None:
            return "false" if key == "spark.io.encryption.enabled" else default

    class Context:
        def getConf(self) -> Conf:
            return Conf()

    class Clear:
        """What the check reads of a SparkSession: its context's settings."""

        sparkContext = Context()

    with pytest.raises(linkage.SparkUnsafe):
        linkage.link([], backend="spark", spark_session=Clear())


def test_it_refuses_a_spark_session_it_cannot_check() -> None:
    class Remote:
        """Spark Connect: no SparkContext, so no way to see its settings."""

        @property
        def sparkContext(self) -> Any:
            raise RuntimeError("not available with Spark Connect")

    with pytest.raises(linkage.SparkUnsafe):
        linkage.link([], backend="spark", spark_session=Remote())


def test_it_keeps_the_settings_that_protect_local_files() -> None:
    for key in ("spark.io.encryption.enabled", "spark.local.dir"):
        with (
            pytest.raises(ValueError, match="fixed"),
            linkage.local_spark(settings={key: "x"}),
        ):
            pass


def test_it_refuses_an_unknown_backend() -> None:
    with pytest.raises(ValueError, match="unknown backend"):
        linkage.link([], backend="sqlite")  # type: ignore[arg-type]


def test_folders_of_killed_sessions_are_removed_at_the_next_start() -> None:
    import subprocess
    import sys
    import tempfile

    from safepassage.analysis.linkage import backends

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    killed = Path(tempfile.mkdtemp(prefix=backends.FOLDER_PREFIX))
    (killed / backends.OWNER_FILE).write_text(gone.stdout.strip(), encoding="ascii")
    (killed / "shuffle_0_0.data").write_bytes(b"encrypted blocks")
    running = Path(tempfile.mkdtemp(prefix=backends.FOLDER_PREFIX))
    (running / backends.OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")
    try:
        backends._remove_orphans()
        assert not killed.exists()
        assert running.exists()
    finally:
        shutil.rmtree(killed, ignore_errors=True)
        shutil.rmtree(running, ignore_errors=True)
