"""metadata.parquet: mixed columns unify, rows come back as written."""

from __future__ import annotations

import pyarrow as pa

from twinflash.formats.metadata import read, rows_to_table, write


def test_metadata_columns_unify_mixed_numbers() -> None:
    table = rows_to_table([{"a": 1, "b": "x"}, {"a": 2.5, "c": True}])
    assert table.schema.field("a").type == pa.float64()
    assert table.column("b").to_pylist() == ["x", None]


def test_write_then_read_gives_the_rows(tmp_path) -> None:
    rows = [{"row": "image", "hour": 9.5}, {"row": "object", "hour": float("nan"), "pose": "lying"}]
    write(rows, tmp_path / "metadata.parquet")
    assert read(tmp_path / "metadata.parquet").to_pylist() == [
        {"row": "image", "hour": 9.5, "pose": None},
        {"row": "object", "hour": None, "pose": "lying"},  # NaN is stored as null
    ]
