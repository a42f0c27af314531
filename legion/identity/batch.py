"""Batch linkage of person records: `legion match-people` and the applicant dedupe.

Records are normalised in Python with exactly the functions intake uses (cached, so
that a million rows with a few hundred thousand distinct names stay fast), written as
Arrow batches into the engine, and scored by Splink with the model's own settings
(no training: m, u and the prior come from model.json). DuckDB runs it on one machine;
`engine="spark"` runs the same SQL on a Spark session, the path beyond one machine.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from legion.identity.model import Person, person, splink_settings

CSV_COLUMNS = (
    "id",
    "given_name",
    "surname",
    "date_of_birth",
    "sex",
    "nationality",
    "passport_number",
    "place_of_birth",
)
BATCH_ROWS = 50_000
DEFAULT_THRESHOLD = 0.5
ENGINES = ("duckdb", "spark")


class MalformedFile(Exception):
    """A person file that cannot be read; `message` names the file, line and reason."""

    def __init__(self, path: Path | str, line: int | None, reason: str) -> None:
        where = f"{path}, line {line}" if line else str(path)
        self.message = f"{where}: {reason}"
        super().__init__(self.message)


@dataclass(frozen=True)
class PersonRow:
    id: str
    person: Person


def read_people(path: Path) -> Iterator[PersonRow]:
    """Person records from a UTF-8 CSV file with a header row (any subset of
    CSV_COLUMNS, `id` required). Raises MalformedFile naming the line at fault."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise MalformedFile(path, None, exc.strerror or str(exc)) from exc
    with handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader, None)
            if header is None:
                raise MalformedFile(path, 1, "the file is empty; expected a header row")
            header = [h.strip().lower() for h in header]
            unknown = [h for h in header if h not in CSV_COLUMNS]
            if unknown:
                raise MalformedFile(
                    path,
                    1,
                    f"unknown column {unknown[0]!r}; columns are {', '.join(CSV_COLUMNS)}",
                )
            if "id" not in header:
                raise MalformedFile(path, 1, "the header has no 'id' column")
            if len(set(header)) != len(header):
                raise MalformedFile(path, 1, "a column appears twice in the header")
            seen: set[str] = set()
            for row in reader:
                line = reader.line_num
                if not row:
                    continue
                if len(row) != len(header):
                    raise MalformedFile(
                        path, line, f"{len(row)} fields, but the header has {len(header)}"
                    )
                values = dict(zip(header, (v.strip() for v in row), strict=True))
                record_id = values.pop("id")
                if not record_id:
                    raise MalformedFile(path, line, "the id is empty")
                if record_id in seen:
                    raise MalformedFile(path, line, f"the id {record_id!r} appears twice")
                seen.add(record_id)
                try:
                    yield PersonRow(record_id, person(**values))
                except ValueError as exc:
                    raise MalformedFile(path, line, f"date_of_birth is {exc}") from exc
        except UnicodeDecodeError as exc:
            raise MalformedFile(path, reader.line_num + 1, "not UTF-8 text") from exc
        except csv.Error as exc:
            raise MalformedFile(path, reader.line_num, f"not valid CSV ({exc})") from exc


def _arrow_batches(rows: Iterable[PersonRow], on_row: Callable[[], None]) -> Iterator[Any]:
    import pyarrow as pa

    buffer: list[dict[str, Any]] = []
    for row in rows:
        buffer.append({"unique_id": row.id, **row.person.columns()})
        on_row()
        if len(buffer) >= BATCH_ROWS:
            yield pa.RecordBatch.from_pylist(buffer, schema=_schema())
            buffer = []
    if buffer:
        yield pa.RecordBatch.from_pylist(buffer, schema=_schema())


def _schema():
    import pyarrow as pa

    text, texts = pa.string(), pa.list_(pa.string())
    columns = [("unique_id", text)]
    for prefix in ("given", "surname"):
        columns += [
            (prefix, text),
            (f"{prefix}_forms", texts),
            (f"{prefix}_phon", text),
            (f"{prefix}_skel", text),
            (f"{prefix}_syms", texts),
        ]
    columns += [
        (name, text)
        for name in (
            "dob",
            "sex",
            "nationality",
            "passport",
            "place",
            "place_phon",
            "place_skel",
            "bk_name",
            "bk_given",
            "bk_surname",
            "dob_year",
            "dob_md",
        )
    ]
    columns.append(("pp_dels", texts))
    return pa.schema(columns)


class Progress:
    """A tqdm progress bar on stderr, or nothing."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar = None

    def stage(self, description: str, total: int | None = None) -> None:
        self.close()
        if self.enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=description, unit=" rows", unit_scale=True)

    def tick(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) - 1)


@contextmanager
def _duckdb_engine(workdir: str):
    import duckdb
    from splink import DuckDBAPI

    con = duckdb.connect(os.path.join(workdir, "linkage.duckdb"))
    # Two cores here; the memory limit keeps a million-row run well under 3 GB by
    # letting DuckDB spill to the work directory instead of growing.
    con.execute(f"SET threads = {os.cpu_count() or 2}")
    con.execute(f"SET memory_limit = '{os.environ.get('LEGION_LINKAGE_MEMORY', '1200MB')}'")
    con.execute(f"SET temp_directory = '{workdir}'")
    con.execute("SET preserve_insertion_order = false")
    yield con, DuckDBAPI(connection=con)
    con.close()


@contextmanager
def _spark_engine(workdir: str):
    from pyspark.sql import SparkSession
    from splink import SparkAPI

    spark = (
        SparkSession.builder.master(os.environ.get("LEGION_SPARK_MASTER", "local[2]"))
        .appName("legion-match-people")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", os.environ.get("LEGION_SPARK_PARTITIONS", "2"))
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.local.dir", workdir)
        .config("spark.driver.memory", os.environ.get("LEGION_SPARK_MEMORY", "2g"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(os.path.join(workdir, "checkpoints"))
    try:
        yield (
            spark,
            SparkAPI(
                spark_session=spark,
                register_udfs_automatically=False,
                break_lineage_method=os.environ.get("LEGION_SPARK_LINEAGE", "persist"),
            ),
        )
    finally:
        spark.stop()


def link_people(
    *,
    inputs: Sequence[Sequence[PersonRow] | Path],
    out: Path,
    engine: str = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    progress: bool = False,
) -> int:
    """Link two person sets (or deduplicate one) and write `id_a,id_b,score` rows to
    `out`, highest score first; returns how many pairs were written.

    Each input is a CSV path (read with `read_people`) or rows already in memory.
    Raises MalformedFile before anything is written when an input cannot be read.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}")
    if not 1 <= len(inputs) <= 2:
        raise ValueError("give one set to deduplicate or two to link")
    bar = Progress(progress)
    with tempfile.TemporaryDirectory(prefix="legion-linkage-") as workdir:
        starter = _duckdb_engine if engine == "duckdb" else _spark_engine
        with starter(workdir) as (backend, db_api):
            tables = []
            for number, source in enumerate(inputs):
                name = "ab"[number]
                if isinstance(source, Path):
                    bar.stage(f"Reading {source.name}", _count_lines(source))
                    rows: Iterable[PersonRow] = read_people(source)
                else:
                    bar.stage(f"Reading set {name.upper()}", len(source))
                    rows = source
                batches = _arrow_batches(rows, bar.tick)
                tables.append(_load(engine, backend, db_api, name, batches))
            bar.stage("Scoring candidate pairs")
            count = _predict_and_write(engine, backend, db_api, tables, out, threshold)
            bar.close()
    return count


def _load(engine: str, backend: Any, db_api: Any, name: str, batches: Iterator[Any]) -> Any:
    import pyarrow as pa

    # An error raised while DuckDB pulls the stream would come back wrapped in DuckDB's
    # own exception: remember it, end the stream, and raise it as it was.
    failure: list[MalformedFile] = []

    def guarded() -> Iterator[Any]:
        try:
            yield from batches
        except MalformedFile as exc:
            failure.append(exc)

    reader = pa.RecordBatchReader.from_batches(_schema(), guarded())
    if engine == "duckdb":
        backend.execute(f"CREATE TABLE people_{name} AS SELECT * FROM reader")  # noqa: S608
        if failure:
            raise failure[0]
        return db_api.register(f"people_{name}", dataset_display_name=name)
    table = reader.read_all()
    if failure:
        raise failure[0]
    frame = backend.createDataFrame(table.to_pandas(), schema=_spark_schema())
    return db_api.register(frame, dataset_display_name=name)


def _spark_schema():
    from pyspark.sql.types import ArrayType, StringType, StructField, StructType

    fields = []
    for field in _schema():
        kind = ArrayType(StringType()) if str(field.type).startswith("list") else StringType()
        fields.append(StructField(field.name, kind, True))
    return StructType(fields)


def _predict_and_write(
    engine: str, backend: Any, db_api: Any, tables: list[Any], out: Path, threshold: float
) -> int:
    from splink import Linker

    link_type = "dedupe_only" if len(tables) == 1 else "link_only"
    settings = splink_settings(link_type=link_type, dialect=engine)
    linker = Linker(tables if len(tables) > 1 else tables[0], settings, log_level=None)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    # In a link job Splink may put either file on the left; id_a is always file A's.
    if link_type == "link_only":
        id_a = "CASE WHEN source_dataset_l = 'a' THEN unique_id_l ELSE unique_id_r END"
        id_b = "CASE WHEN source_dataset_l = 'a' THEN unique_id_r ELSE unique_id_l END"
    else:
        id_a = "least(unique_id_l, unique_id_r)"
        id_b = "greatest(unique_id_l, unique_id_r)"
    # Only our own column expressions and Splink's table name go into this query.
    select = f"SELECT {id_a} AS id_a, {id_b} AS id_b, round(match_probability, 6) AS score"
    query = f"{select} FROM {predictions.physical_name} ORDER BY score DESC, id_a, id_b"
    if engine == "duckdb":
        backend.execute(f"COPY ({query}) TO '{out}' (HEADER, DELIMITER ',')")
        counted = f"SELECT count(*) FROM {predictions.physical_name}"  # noqa: S608
        return backend.execute(counted).fetchone()[0]
    rows = backend.sql(query).collect()
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id_a", "id_b", "score"])
        for row in rows:
            writer.writerow([row.id_a, row.id_b, f"{row.score:.6g}"])
    return len(rows)
