"""Rows of a CSV or XLSX file as (line number, {column: value}), headings normalised."""

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import load_workbook


class SpreadsheetError(Exception):
    pass


def _heading(value: Any) -> str:
    return str(value or "").strip().lower().replace(" ", "_")


def spreadsheet_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-empty row after the heading row, numbered as the clerk sees it in the file
    (the heading is line 1)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from _csv_rows(path)
    elif suffix == ".xlsx":
        yield from _xlsx_rows(path)
    else:
        raise SpreadsheetError(f"{path.name}: only .csv and .xlsx files can be imported.")


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            headings = [_heading(h) for h in next(reader, [])]
            if not any(headings):
                raise SpreadsheetError(f"{path.name}: the first line must name the columns.")
            for values in reader:
                if not any(v.strip() for v in values):
                    continue
                if len(values) > len(headings):
                    raise SpreadsheetError(
                        f"{path.name}, line {reader.line_num}: more values than column headings."
                    )
                yield reader.line_num, dict(zip(headings, values, strict=False))
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(f"{path.name}: save the file as UTF-8 text.") from exc
    except csv.Error as exc:
        raise SpreadsheetError(f"{path.name}: not a readable CSV file ({exc}).") from exc


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError) as exc:
        raise SpreadsheetError(f"{path.name}: not a readable XLSX workbook.") from exc
    try:
        rows = workbook.active.iter_rows(values_only=True)
        headings = [_heading(h) for h in next(rows, ())]
        if not any(headings):
            raise SpreadsheetError(f"{path.name}: the first row must name the columns.")
        for number, values in enumerate(rows, start=2):
            if not any(v not in (None, "") for v in values):
                continue
            yield number, {h: v for h, v in zip(headings, values, strict=False) if h}
    finally:
        workbook.close()
