"""The claim files `extract` writes: JSON Lines, CSV and Parquet, the same rows in OUTPUT_FIELDS order.

- JSON Lines: numbers exact (`value`, `high` as JSON numbers written from the Decimal), `meta` an object.
- CSV: `value`/`high` written the same way, an empty cell for null, `meta` as a JSON object in its
  cell; a UTF-8 byte-order mark first unless turned off (Excel reads a CSV without one in the
  system's legacy code page and shows Chinese as mojibake; Python's `utf-8-sig`, pandas and R
  read it either way).
- Parquet (pyarrow, the `parquet` extra): typed columns. `start`, `end`, `line` are int64;
  `value`, `high` are strings holding the exact decimal (as in JSON Lines: a decimal128 column
  needs one fixed scale for values from 0.001 to 10^12, a float loses 2.01万's exactness; cast with
  `pd.to_numeric` or `pyarrow.compute.cast`); `meta` is a JSON string (its keys differ from one
  corpus to another); every other column is a string.
"""

from __future__ import annotations

import csv
import json
from typing import IO, Any

from ..claim import OUTPUT_FIELDS, Claim, format_decimal, to_json

#: Output formats of `extract`.
FORMATS = ("jsonl", "csv", "parquet")
#: Rows per Parquet row group.
PARQUET_ROWS = 10_000
_INTEGERS = frozenset({"start", "end", "line"})
_DECIMALS = frozenset({"value", "high"})


def _cell(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in _DECIMALS:
        return format_decimal(value)
    if name == "meta":
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


class JsonlSink:
    """Claims as JSON Lines."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, claims: list[Claim]) -> None:
        """Write the claims of one article."""
        for claim in claims:
            self.stream.write(to_json(claim) + "\n")

    def close(self) -> None:
        """Nothing is buffered."""


class CsvSink:
    """Claims as CSV with a header row (and a byte-order mark first when `bom`)."""

    def __init__(self, stream: IO[str], *, bom: bool = True) -> None:
        if bom:
            stream.write("\ufeff")
        self.writer = csv.writer(stream)
        self.writer.writerow(OUTPUT_FIELDS)

    def write(self, claims: list[Claim]) -> None:
        """Write the claims of one article."""
        for claim in claims:
            self.writer.writerow("" if (v := _cell(k, getattr(claim, k))) is None else v for k in OUTPUT_FIELDS)

    def close(self) -> None:
        """Nothing is buffered."""


def parquet_schema():
    """The Parquet schema of the claim rows."""
    import pyarrow as pa

    return pa.schema([(name, pa.int64() if name in _INTEGERS else pa.string()) for name in OUTPUT_FIELDS])


class ParquetSink:
    """Claims as Parquet, written a row group at a time to a binary file object."""

    def __init__(self, handle: IO[bytes]) -> None:
        import pyarrow.parquet as pq

        self.schema = parquet_schema()
        self.writer = pq.ParquetWriter(handle, self.schema)
        self.rows: dict[str, list] = {name: [] for name in OUTPUT_FIELDS}
        self.count = 0

    def write(self, claims: list[Claim]) -> None:
        """Buffer the claims of one article; a full row group is written."""
        for claim in claims:
            for name in OUTPUT_FIELDS:
                self.rows[name].append(_cell(name, getattr(claim, name)))
        self.count += len(claims)
        if self.count >= PARQUET_ROWS:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self.count:
            self.writer.write_table(pa.table(self.rows, schema=self.schema))
            self.rows = {name: [] for name in OUTPUT_FIELDS}
            self.count = 0

    def close(self) -> None:
        """Write what is buffered and the file's footer."""
        self._flush()
        self.writer.close()


def have_pyarrow() -> bool:
    """True when pyarrow can be imported (the `parquet` extra)."""
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True
