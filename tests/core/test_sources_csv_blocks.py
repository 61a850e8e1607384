"""CSV files are parsed a block at a time: long rows still open whole, with every row and cell."""
from __future__ import annotations

from pathlib import Path

import pytest

from youthdrugs_gui.core.sources import csv_reader, load_files


@pytest.mark.parametrize("cell_bytes", [10, 300_000, 1_500_000])
def test_rows_of_any_length_open_whole(tmp_path: Path, cell_bytes: int) -> None:
    """Rows longer than the usual block (a pasted note of a megabyte) lose nothing."""
    note = "x" * cell_bytes
    rows = [f"{12 + i % 6},{'Male' if i % 2 else 'Female'},{i % 3 + 1},{note}{i}" for i in range(40)]
    p = tmp_path / "long_rows.csv"
    p.write_text("Age,Gender,Count,Notes\n" + "\n".join(rows) + "\n", encoding="utf-8")
    ds = load_files(p)
    assert ds.n_rows == 40
    assert int(ds.counts.sum()) == sum(i % 3 + 1 for i in range(40))


def test_block_fits_the_longest_first_line() -> None:
    assert csv_reader._block_size(["a,b\n"] * 5) == csv_reader._BLOCK
    assert csv_reader._block_size(["a," + "x" * 30_000 + "\n"]) >= 64 * 30_000
    assert csv_reader._block_size(["x" * (1 << 23)]) == csv_reader._MAX_BLOCK
