"""Batch linkage of person records: `legion match-people` and the applicant dedupe.

A CSV file is parsed by Arrow and normalised column by column with exactly the
functions intake uses, each distinct value once (a million records carry under
100,000 distinct names); the features go to the engine as one Arrow table and are
scored by Splink with the model's own settings (no training: m, u and the prior come
from model.json). DuckDB runs it on one machine; `engine="spark"` runs the same SQL
on a Spark session, the path beyond one machine.
"""

from __future__ import annotations

import csv
import os
import resource
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from legion.identity.model import (
    BATCH_COLUMNS,
    LIST_COLUMNS,
    NAME_COLUMNS,
    PASSPORT_DELETIONS_SQL,
    Person,
    parameters,
    splink_settings,
)
from legion.identity.normalise import (
    name_forms,
    normalise_address,
    normalise_code,
    normalise_date,
    normalise_passport,
    normalise_postcode,
    town_forms,
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
    "address",
    "town",
    "postcode",
)
DEFAULT_THRESHOLD = 0.5
ENGINES = ("duckdb", "spark")


class MalformedFile(Exception):
    """A person file that cannot be read; `message` names the file, line and reason."""

    def __init__(self, path: Path | str, line: int | None, reason: str) -> None:
        where = f"{path}, line {line}" if line else str(path)
        self.message = f"{where}: {reason}"
        super().__init__(self.message)


def _no_tick(n: int = 1) -> None:
    pass


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


def _check_rows(path: Path) -> None:
    """Read the file the slow way, row by row, and raise MalformedFile for the first
    line at fault (structure or date of birth): the authority for error messages."""
    for line, values in _csv_rows(path):
        try:
            normalise_date(values.get("date_of_birth", ""))
        except ValueError as exc:
            raise MalformedFile(path, line, f"date_of_birth is {exc}") from exc


def _header(path: Path) -> list[str]:
    """The column names, after `_csv_rows` has checked them."""
    for _line, _values in _csv_rows(path):
        break  # the header is checked before the first row is yielded
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [h.strip().lower() for h in next(csv.reader(handle))]


def read_people_table(path: Path) -> Any:
    """The raw values of a person CSV as an Arrow table: every column of CSV_COLUMNS
    (empty strings for a column the file lacks), ids trimmed. Arrow parses the file in
    C++; anything it or the checks after it refuse (field counts, UTF-8, empty or
    repeated ids) is re-read by `_check_rows`, which names the line and the reason.
    Raises MalformedFile."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pv

    header = _header(path)
    try:
        table = pv.read_csv(
            path,
            read_options=pv.ReadOptions(column_names=header, skip_rows=1),
            parse_options=pv.ParseOptions(newlines_in_values=True),
            convert_options=pv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        _check_rows(path)
        raise MalformedFile(path, None, f"not valid CSV ({exc})") from exc
    ids = pc.utf8_trim_whitespace(table.column("id"))
    if len(ids) and (
        pc.any(pc.equal(ids, "")).as_py() or pc.count_distinct(ids).as_py() < len(ids)
    ):
        _check_rows(path)
        # Only if Python and Arrow disagree on what whitespace is.
        raise MalformedFile(path, None, "an id is empty or appears twice")
    columns = {name: table.column(name) for name in header}
    columns["id"] = ids
    empty = pa.chunked_array([pa.array([""] * table.num_rows, pa.string())])
    return pa.table({name: columns.get(name, empty) for name in CSV_COLUMNS})


def _encoded(column: Any) -> tuple[list[str], Any]:
    """Distinct values of a string column and each row's index into them."""
    encoded = column.combine_chunks().dictionary_encode()
    return encoded.dictionary.to_pylist(), encoded.indices


def people_features(
    raw: Any, path: Path | None = None, tick: Callable[[int], None] = _no_tick
) -> Any:
    """The batch columns (`_schema()`) of raw person values, normalised by exactly the
    functions intake uses. Names, dates and codes repeat massively (a million records
    carry under 100,000 distinct names), so each distinct value is normalised once
    and the rows take their columns by index. Raises MalformedFile (via the file's
    line-by-line check) for a date of birth that is not one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text, texts = pa.string(), pa.list_(pa.string())
    out: dict[str, Any] = {"unique_id": raw.column("id")}
    names: dict[str, Any] = {}
    for field, prefix, parts, normalise in (
        ("given_name", "given", range(5), name_forms),
        ("surname", "surname", range(5), name_forms),
        ("place_of_birth", "place", (0, 2, 3), name_forms),
        ("town", "town", (0, 2, 3), town_forms),
    ):
        values, rows = _encoded(raw.column(field))
        forms = [normalise(v) for v in values]
        tick(len(values))
        for part in parts:
            suffix = NAME_COLUMNS[part]
            kind = texts if suffix in ("_forms", "_syms") else text
            distinct = pa.array([f.columns[part] for f in forms], type=kind)
            out[f"{prefix}{suffix}"] = distinct.take(rows)
        first = pa.array([f.first_phonetic or None for f in forms], type=text)
        names[prefix] = first.take(rows)

    values, rows = _encoded(raw.column("date_of_birth"))
    try:
        dobs = [normalise_date(v.strip()) for v in values]
    except ValueError:
        if path is not None:
            _check_rows(path)
        raise
    for column, cut in (
        ("dob", lambda d: d or None),
        ("dob_year", lambda d: d[:4] or None),
        ("dob_md", lambda d: d[4:8] if len(d) == 8 else None),
    ):
        out[column] = pa.array([cut(d) for d in dobs], type=text).take(rows)
    for column, normalise in (
        ("sex", normalise_code),
        ("nationality", normalise_code),
        ("address", normalise_address),
        ("postcode", normalise_postcode),
    ):
        values, rows = _encoded(raw.column(column))
        out[column] = pa.array([normalise(v) or None for v in values], type=text).take(rows)
    out["passport"] = _passports(raw.column("passport_number"))

    given, surname = names["given"], names["surname"]
    out["bk_name"] = pc.if_else(
        pc.less_equal(given, surname),
        pc.binary_join_element_wise(given, surname, "|"),
        pc.binary_join_element_wise(surname, given, "|"),
    )
    out["bk_given"], out["bk_surname"] = given, surname
    schema = _schema()
    return pa.table([out[f.name] for f in schema], schema=schema)


def _passports(column: Any) -> Any:
    """normalise_passport() over a column: Arrow's upper-casing for ASCII values (nearly
    all of them), Python's for the rest, where the two could differ (ß -> SS)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = column.combine_chunks()
    fast = pc.replace_substring_regex(pc.utf8_upper(column), r"[^0-9A-Z]", "")
    ascii_only = pc.string_is_ascii(column)
    if not pc.all(ascii_only).as_py():
        slow = pa.array([normalise_passport(v) for v in column.to_pylist()], pa.string())
        fast = pc.if_else(ascii_only, fast, slow)
    return pc.if_else(pc.equal(fast, ""), pa.scalar(None, pa.string()), fast)


def _rows_table(rows: Iterable[PersonRow], tick: Callable[[int], None]) -> Any:
    """The batch columns of records already normalised (the applicant dedupe)."""
    import pyarrow as pa

    schema = _schema()
    values = [(row.id, *row.person.column_values()) for row in rows]
    tick(len(values))
    columns = zip(*values, strict=True) if values else [[] for _ in schema]
    return pa.table(
        [pa.array(list(c), type=f.type) for c, f in zip(columns, schema, strict=True)],
        schema=schema,
    )


def _schema():
    import pyarrow as pa

    text, texts = pa.string(), pa.list_(pa.string())
    return pa.schema(
        [("unique_id", text)]
        + [(name, texts if name in LIST_COLUMNS else text) for name in BATCH_COLUMNS]
    )


@dataclass(frozen=True)
class Phase:
    """How long one stage of a linkage run took: wall seconds and this process's CPU
    seconds (all threads, DuckDB's included), and the process's peak resident memory
    at the end of it."""

    name: str
    seconds: float
    cpu_seconds: float
    peak_mb: float


class Progress:
    """A tqdm progress bar on stderr (or nothing) per stage, and each stage's time."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar = None
        self.phases: list[Phase] = []
        self._started: tuple[str, float, float] | None = None

    def stage(self, description: str, total: int | None = None, unit: str = " rows") -> None:
        self.close()
        self._started = (description, time.perf_counter(), time.process_time())
        if self.enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=description, unit=unit, unit_scale=True)

    def tick(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self._started is not None:
            name, wall, cpu = self._started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
            seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
            self.phases.append(Phase(name, seconds, cpu_seconds, peak))
            self._started = None
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@contextmanager
def _duckdb_engine(workdir: str):
    import duckdb
    from splink import DuckDBAPI

    # In memory: a database file would compress and write every intermediate table
    # (10 s of CPU at a million rows). The memory limit keeps a million-row run well
    # under 3 GB by letting DuckDB spill to the work directory instead of growing.
    con = duckdb.connect()
    con.execute(f"SET threads = {os.cpu_count() or 2}")
    con.execute(f"SET memory_limit = '{settings.LEGION_LINKAGE_MEMORY}'")
    con.execute(f"SET temp_directory = '{workdir}'")
    con.execute("SET preserve_insertion_order = false")
    yield con, DuckDBAPI(connection=con)
    con.close()


@contextmanager
def _spark_engine(workdir: str):
    from pyspark.sql import SparkSession
    from splink import SparkAPI

    spark = (
        SparkSession.builder.master(settings.LEGION_SPARK_MASTER)
        .appName("legion-match-people")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(settings.LEGION_SPARK_PARTITIONS))
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.local.dir", workdir)
        .config("spark.driver.memory", settings.LEGION_SPARK_MEMORY)
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
                break_lineage_method=settings.LEGION_SPARK_LINEAGE,
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
    phases: list[Phase] | None = None,
) -> int:
    """Link two person sets (or deduplicate one) and write `id_a,id_b,score` rows to
    `out`, highest score first; returns how many pairs were written.

    Each input is a CSV path or rows already normalised. A CSV file is read by Arrow
    and normalised column by column, each distinct value once (see people_features).
    Raises MalformedFile before anything is written when an input cannot be read.
    `phases`, when given, receives the time each stage took.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}")
    if not 1 <= len(inputs) <= 2:
        raise ValueError("give one set to deduplicate or two to link")
    bar = Progress(progress)
    tables = []
    for number, source in enumerate(inputs):
        if isinstance(source, Path):
            bar.stage(f"Reading {source.name}")
            raw = read_people_table(source)
            bar.tick(raw.num_rows)
            bar.stage(f"Normalising {source.name}", _distinct_names(raw), unit=" names")
            tables.append(people_features(raw, source, bar.tick))
            del raw
            _release_arrow_memory()
        else:
            bar.stage(f"Reading set {'AB'[number]}", len(source))
            tables.append(_rows_table(source, bar.tick))
    bar.stage(f"Loading into {engine}")
    # Each record competes with the records of the other file (or of its own).
    prior = parameters().prior_for(max(t.num_rows for t in tables))
    # On a Spark cluster the staged Parquet files must be where executors can read
    # them: LEGION_LINKAGE_DIR names such a shared directory.
    shared = settings.LEGION_LINKAGE_DIR
    with tempfile.TemporaryDirectory(prefix="legion-linkage-", dir=shared) as workdir:
        starter = _duckdb_engine if engine == "duckdb" else _spark_engine
        with starter(workdir) as (backend, db_api):
            registered = [
                _load(engine, backend, db_api, "ab"[number], table, workdir)
                for number, table in enumerate(tables)
            ]
            # The engine has its own copy now: give Arrow's memory back for DuckDB's use.
            del tables
            _release_arrow_memory()
            bar.stage("Scoring candidate pairs")
            count = _predict_and_write(
                engine, backend, db_api, registered, out, threshold, prior, bar
            )
    bar.close()
    if phases is not None:
        phases.extend(bar.phases)
    return count


def _release_arrow_memory() -> None:
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _distinct_names(raw: Any) -> int:
    import pyarrow.compute as pc

    fields = ("given_name", "surname", "place_of_birth")
    return sum(pc.count_distinct(raw.column(f)).as_py() for f in fields)


def _load(engine: str, backend: Any, db_api: Any, name: str, table: Any, workdir: str) -> Any:
    """Hand a features table to the engine, adding the passport deletion keys."""
    deletions = PASSPORT_DELETIONS_SQL[engine]
    if engine == "duckdb":
        backend.register(f"features_{name}", table)
        backend.execute(
            f"CREATE TABLE people_{name} AS "  # noqa: S608 (our own names and SQL)
            f"SELECT *, {deletions} AS pp_dels FROM features_{name}"
        )
        backend.unregister(f"features_{name}")
        return db_api.register(f"people_{name}", dataset_display_name=name)
    import pyarrow.parquet as pq

    target = os.path.join(workdir, f"people-{name}.parquet")
    pq.write_table(table, target)
    frame = backend.read.schema(_spark_schema()).parquet(target)
    frame = frame.selectExpr("*", f"{deletions} AS pp_dels")
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
    bar: Progress,
) -> int:
    from splink import Linker

    link_type = "dedupe_only" if len(tables) == 1 else "link_only"
    settings = splink_settings(link_type=link_type, dialect=engine, prior=prior)
    linker = Linker(tables if len(tables) > 1 else tables[0], settings, log_level=None)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    bar.stage("Writing links")
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
