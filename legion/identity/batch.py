"""Batch linkage of person records: `legion match-people` and the applicant dedupe.

Records are normalised in Python with exactly the functions intake uses (cached, so
that a million rows with a few hundred thousand distinct names stay fast), written as
Arrow batches into the engine, and scored by Splink with the model's own settings
(no training: m, u and the prior come from model.json). DuckDB runs it on one machine;
`engine="spark"` runs the same SQL on a Spark session, the path beyond one machine.
"""

from __future__ import annotations

import collections
import csv
import itertools
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from legion.identity.model import (
    BATCH_COLUMNS,
    LIST_COLUMNS,
    Person,
    parameters,
    person,
    splink_settings,
)

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


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, values) of a person CSV, checked for structure: header, field
    counts, UTF-8, ids present and unique. Values are normalised elsewhere."""
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
                record_id = values["id"]
                if not record_id:
                    raise MalformedFile(path, line, "the id is empty")
                if record_id in seen:
                    raise MalformedFile(path, line, f"the id {record_id!r} appears twice")
                seen.add(record_id)
                yield line, values
        except UnicodeDecodeError as exc:
            raise MalformedFile(path, reader.line_num + 1, "not UTF-8 text") from exc
        except csv.Error as exc:
            raise MalformedFile(path, reader.line_num, f"not valid CSV ({exc})") from exc


def _person_row(values: dict[str, str]) -> PersonRow:
    """Raises ValueError (for the date of birth) on a value that cannot be one."""
    values = dict(values)
    record_id = values.pop("id")
    return PersonRow(record_id, person(**values))


def read_people(path: Path) -> Iterator[PersonRow]:
    """Person records from a UTF-8 CSV file with a header row (any subset of
    CSV_COLUMNS, `id` required). Raises MalformedFile naming the line at fault."""
    for line, values in _csv_rows(path):
        try:
            yield _person_row(values)
        except ValueError as exc:
            raise MalformedFile(path, line, f"date_of_birth is {exc}") from exc


def _normalise_chunk(job: tuple[str, int, list[tuple[int, dict[str, str]]]]) -> tuple:
    """Worker: normalise one chunk of CSV rows into a Parquet file.
    Returns ("ok", count) or ("error", line, reason): exceptions do not cross processes
    as they are."""
    import pyarrow.parquet as pq

    target, _number, rows = job
    people = []
    for line, values in rows:
        try:
            people.append(_person_row(values))
        except ValueError as exc:
            return ("error", line, f"date_of_birth is {exc}")
    for batch in _arrow_batches(people, lambda: None):
        pq.write_table(_table_of(batch), target)
    return ("ok", len(people))


def _table_of(batch: Any) -> Any:
    import pyarrow as pa

    return pa.Table.from_batches([batch])


def _arrow_batches(rows: Iterable[PersonRow], on_row: Callable[[], None]) -> Iterator[Any]:
    import pyarrow as pa

    schema = _schema()
    buffer: list[tuple] = []

    def batch() -> Any:
        columns = zip(*buffer, strict=True)
        return pa.RecordBatch.from_arrays(
            [pa.array(values, type=f.type) for values, f in zip(columns, schema, strict=True)],
            schema=schema,
        )

    for row in rows:
        buffer.append((row.id, *row.person.column_values()))
        on_row()
        if len(buffer) >= BATCH_ROWS:
            yield batch()
            buffer = []
    if buffer:
        yield batch()


def _schema():
    import pyarrow as pa

    text, texts = pa.string(), pa.list_(pa.string())
    return pa.schema(
        [("unique_id", text)]
        + [(name, texts if name in LIST_COLUMNS else text) for name in BATCH_COLUMNS]
    )


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
    workers: int | None = None,
) -> int:
    """Link two person sets (or deduplicate one) and write `id_a,id_b,score` rows to
    `out`, highest score first; returns how many pairs were written.

    Each input is a CSV path or rows already in memory. CSV rows are normalised by
    `workers` processes (default: one per core) into Parquet files that the engine
    then reads. Raises MalformedFile before anything is written when an input cannot
    be read.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}")
    if not 1 <= len(inputs) <= 2:
        raise ValueError("give one set to deduplicate or two to link")
    bar = Progress(progress)
    # On a Spark cluster the staged Parquet files must be where executors can read
    # them: LEGION_LINKAGE_DIR names such a shared directory.
    shared = os.environ.get("LEGION_LINKAGE_DIR") or None
    with tempfile.TemporaryDirectory(prefix="legion-linkage-", dir=shared) as workdir:
        staged, sizes = [], []
        for number, source in enumerate(inputs):
            name = "ab"[number]
            counter = _Counter(bar.tick)
            if isinstance(source, Path):
                bar.stage(f"Reading {source.name}", _count_lines(source))
                files = _stage_csv(source, Path(workdir), name, workers, counter)
            else:
                bar.stage(f"Reading set {name.upper()}", len(source))
                files = _stage_rows(source, Path(workdir), name, counter)
            staged.append((name, files))
            sizes.append(counter.total)
        bar.stage("Scoring candidate pairs")
        # Each record competes with the records of the other file (or of its own).
        prior = parameters().prior_for(max(sizes))
        starter = _duckdb_engine if engine == "duckdb" else _spark_engine
        with starter(workdir) as (backend, db_api):
            tables = [_load(engine, backend, db_api, name, files) for name, files in staged]
            count = _predict_and_write(engine, backend, db_api, tables, out, threshold, prior)
        bar.close()
    return count


CHUNK_ROWS = 50_000


class _Counter:
    """Counts rows as they are staged and moves the progress bar."""

    def __init__(self, tick: Callable[[int], None]) -> None:
        self.tick, self.total = tick, 0

    def __call__(self, n: int = 1) -> None:
        self.total += n
        self.tick(n)


def _stage_rows(
    rows: Iterable[PersonRow], workdir: Path, name: str, tick: Callable[[], None]
) -> list[str]:
    import pyarrow.parquet as pq

    files = []
    for number, batch in enumerate(_arrow_batches(rows, tick)):
        target = str(workdir / f"{name}-{number:05d}.parquet")
        pq.write_table(_table_of(batch), target)
        files.append(target)
    if not files:
        target = str(workdir / f"{name}-empty.parquet")
        pq.write_table(_schema().empty_table(), target)
        files.append(target)
    return files


def _stage_csv(
    path: Path, workdir: Path, name: str, workers: int | None, tick: Callable[[int], None]
) -> list[str]:
    """Normalise a CSV file into Parquet parts, in parallel for big files."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    workers = workers or os.cpu_count() or 1
    chunks = _chunks(path, workdir, name)
    first = next(chunks, None)
    if first is None:
        return _stage_rows([], workdir, name, lambda: None)
    second = next(chunks, None)
    jobs = itertools.chain([first], [second] if second else [], chunks)
    files: list[str] = []

    def collect(job: tuple, result: tuple) -> None:
        if result[0] == "error":
            raise MalformedFile(path, result[1], result[2])
        files.append(job[0])
        tick(result[1])

    if second is None or workers == 1:
        for job in jobs:
            collect(job, _normalise_chunk(job))
        return files
    # Fork keeps the already imported libraries; at most two chunks wait per worker.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: collections.deque = collections.deque()
        for job in jobs:
            pending.append((job, pool.submit(_normalise_chunk, job)))
            if len(pending) >= 2 * workers:
                done_job, future = pending.popleft()
                collect(done_job, future.result())
        while pending:
            done_job, future = pending.popleft()
            collect(done_job, future.result())
    return files


def _chunks(path: Path, workdir: Path, name: str) -> Iterator[tuple]:
    rows: list[tuple[int, dict[str, str]]] = []
    number = 0
    for item in _csv_rows(path):
        rows.append(item)
        if len(rows) >= CHUNK_ROWS:
            yield (str(workdir / f"{name}-{number:05d}.parquet"), number, rows)
            rows, number = [], number + 1
    if rows:
        yield (str(workdir / f"{name}-{number:05d}.parquet"), number, rows)


def _load(engine: str, backend: Any, db_api: Any, name: str, files: list[str]) -> Any:
    if engine == "duckdb":
        listing = ", ".join(f"'{f}'" for f in files)
        backend.execute(
            f"CREATE TABLE people_{name} AS SELECT * FROM read_parquet([{listing}])"  # noqa: S608
        )
        return db_api.register(f"people_{name}", dataset_display_name=name)
    frame = backend.read.schema(_spark_schema()).parquet(*files)
    return db_api.register(frame, dataset_display_name=name)


def _spark_schema():
    from pyspark.sql.types import ArrayType, StringType, StructField, StructType

    fields = []
    for field in _schema():
        kind = ArrayType(StringType()) if str(field.type).startswith("list") else StringType()
        fields.append(StructField(field.name, kind, True))
    return StructType(fields)


def _predict_and_write(
    engine: str,
    backend: Any,
    db_api: Any,
    tables: list[Any],
    out: Path,
    threshold: float,
    prior: float,
) -> int:
    from splink import Linker

    link_type = "dedupe_only" if len(tables) == 1 else "link_only"
    settings = splink_settings(link_type=link_type, dialect=engine, prior=prior)
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
