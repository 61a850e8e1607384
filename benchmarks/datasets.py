"""The data sets measured: the sample generator's `generate(rows=N)`, cached as Parquet and CSV and
made again when the generator changes."""
from __future__ import annotations

import hashlib
import time
from pathlib import Path

from .common import log


def _generator():
    try:
        from youthdrugs_gui.data import generate as g
    except ImportError:  # a checkout without the editable install
        from data import generate as g  # type: ignore[no-redef]
    return g


def generator_tag() -> str:
    g = _generator()
    src = Path(g.__file__).read_bytes()
    return hashlib.sha256(src + str(g.DEFAULT_SEED).encode()).hexdigest()[:10]


def ensure_data(rows: int, cache: Path) -> tuple[Path, Path]:
    """The cached Parquet and CSV copies of generate(rows=N), made when missing or stale."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    cache.mkdir(parents=True, exist_ok=True)
    tag = generator_tag()
    pq_path = cache / f"synthetic-{rows}-{tag}.parquet"
    csv_path = cache / f"synthetic-{rows}-{tag}.csv"
    if pq_path.exists() and csv_path.exists():
        return pq_path, csv_path
    g = _generator()
    log(f"[{rows:,}] generating the data set (cached in {cache}) ...")
    t0 = time.perf_counter()
    df = g.generate(rows=rows)
    if not pq_path.exists():
        tmp = pq_path.with_suffix(".parquet.part")
        g.write(df, tmp)  # zstd, dictionaries, and the synthetic marker in the schema metadata
        tmp.replace(pq_path)
    if not csv_path.exists():
        # Plain text as a caseworker's spreadsheet export would have it: ISO dates, labels not codes.
        out = df.assign(date=df["date"].dt.strftime("%Y-%m-%d"))
        table = pa.Table.from_pandas(out, preserve_index=False)
        table = pa.table({c: (table[c].cast(pa.string()) if pa.types.is_dictionary(table[c].type) else table[c])
                          for c in table.column_names})
        tmp = csv_path.with_suffix(".csv.part")
        pacsv.write_csv(table, tmp)
        tmp.replace(csv_path)
    log(f"[{rows:,}] generated and written in {time.perf_counter() - t0:.1f} s")
    return pq_path, csv_path
