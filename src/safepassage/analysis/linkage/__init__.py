"""Linking victim records across sources into people (splink on DuckDB or Spark).

Records are prepared with the name keys of this region (names.py), birth
years from exact dates, years or ages, and place keys (victims.py); splink
then learns a Fellegi-Sunter model without labels (expectation
maximisation) and scores candidate pairs; pairs above a threshold are
clustered into people (pipeline.py). Each person's list-membership pattern
feeds multiple systems estimation. What is compared and how candidate pairs
are found is a `Schema` (schema.py): the victim schema by default, others
for published benchmark data. quality.py measures a linkage against a truth.

The linkage runs on DuckDB in this process by default, or on Spark with
`link(..., backend="spark")` (backends.py). Records are never written to
disk in clear: DuckDB is in memory and may not spill to a file; Spark's
local files are in a private folder and encrypted.
"""

from safepassage.analysis.linkage.backends import (
    Backend,
    SparkUnavailable,
    SparkUnsafe,
    java_runtime,
    local_spark,
)
from safepassage.analysis.linkage.pipeline import Linkage, Progress, capture_table, link
from safepassage.analysis.linkage.quality import Quality, evaluate, evaluate_pairs
from safepassage.analysis.linkage.schema import Compare, Kind, Rule, Schema
from safepassage.analysis.linkage.victims import (
    PLAIN,
    VICTIMS,
    SourceRecord,
    birth_year,
    place_key,
    prepare,
    prepare_plainly,
)

__all__ = [
    "PLAIN",
    "VICTIMS",
    "Backend",
    "Compare",
    "Kind",
    "Linkage",
    "Progress",
    "Quality",
    "Rule",
    "Schema",
    "SourceRecord",
    "SparkUnavailable",
    "SparkUnsafe",
    "birth_year",
    "capture_table",
    "evaluate",
    "evaluate_pairs",
    "java_runtime",
    "link",
    "local_spark",
    "place_key",
    "prepare",
    "prepare_plainly",
]
