"""The same work as the engine, done the way an analyst would: pandas, and SQL in DuckDB. Each gives
its result in one plain form (`norm`) so that it can be checked against the engine's."""
from __future__ import annotations

from functools import reduce
from operator import and_

import numpy as np


def facet_columns(ds) -> list[str]:
    return [c for c in ds.facet_columns if c in ds.categorical_columns]  # as the engine chooses them


def engine_norm(res, cats: dict[str, list[str]]) -> dict:
    """An engine Result as plain dicts (zeros dropped) for comparing with pandas and DuckDB."""
    ds_facets = {c: {cat: int(v) for cat, v in zip(col_cats, res.facet_counts[c]) if v}
                 for c, col_cats in cats.items() if c in res.facet_counts}
    series = {}
    s = res.series
    if s is not None:
        for i, g in enumerate(s.groups):
            for j, st in enumerate(s.stacks):
                v = int(s.values[i, j])
                if v:
                    series[(g, st)] = v
    return {"n": int(res.n_rows), "facets": ds_facets, "series": series,
            "totals": {k: int(v) for k, v in res.totals.items() if v}}


class PandasWay:
    """What an analyst would write in pandas: isin / between / str.contains masks, value_counts per
    facet with the other facets' masks, groupby for the chart, on the same categorical frame."""

    def __init__(self, ds) -> None:
        # Age is a categorical of labels in the Dataset; an analyst filters a range on numbers, so the
        # frame gets its ages as integers once, before any timing (the engine gets its lookups once too).
        self.df = ds.frame.assign(age_years=ds.frame["age"].astype(int).astype("int8"))
        self.facets = facet_columns(ds)
        self.text_cols = list(ds.text_columns)
        self.years = ds.categories("financial_year") if ds.has("financial_year") else []

    def masks(self, state):
        df = self.df
        masks: dict[str, object] = {}
        for col, values in state.selections:
            masks[col] = df[col].isin(list(values))
        if state.age_range is not None:
            lo, hi = state.age_range
            m = df["age_years"].between(lo, hi)
            masks["age"] = masks["age"] & m if "age" in masks else m
        if state.year_range is not None:
            a, b = state.year_range
            m = df["financial_year"].isin([y for y in self.years if a <= y <= b])
            masks["financial_year"] = masks["financial_year"] & m if "financial_year" in masks else m
        search = None
        if state.search:
            for c in self.text_cols:
                m = df[c].str.contains(state.search, case=False, regex=False)
                search = m if search is None else (search | m)
        return masks, search

    def apply(self, state, group_by: str, stack_by: str):
        df = self.df
        masks, search = self.masks(state)
        extra = [search] if search is not None else []

        def all_but(col: str | None):
            parts = [m for c, m in masks.items() if c != col] + extra
            return reduce(and_, parts) if parts else None

        full = all_but(None)
        rows = df.index.to_numpy() if full is None else df.index[full].to_numpy()
        facets = {}
        for col in self.facets:
            m = all_but(col) if col in masks else full
            facets[col] = (df[col] if m is None else df.loc[m, col]).value_counts(sort=False)
        gm = all_but(group_by) if group_by in masks else full
        sub = df[[group_by, stack_by, "count"]] if gm is None else df.loc[gm, [group_by, stack_by, "count"]]
        series = sub.groupby([group_by, stack_by], observed=False)["count"].sum().unstack(stack_by)
        tsub = df[["measure", "count"]] if full is None else df.loc[full, ["measure", "count"]]
        totals = tsub.groupby("measure", observed=True)["count"].sum()
        return rows, facets, series, totals

    @staticmethod
    def norm(out) -> dict:
        rows, facets, series, totals = out
        ser = {}
        for (g, s), v in series.stack().items():
            if v:
                ser[(str(g), str(s))] = int(v)
        return {"n": int(len(rows)),
                "facets": {c: {str(k): int(v) for k, v in vc.items() if v} for c, vc in facets.items()},
                "series": ser, "totals": {str(k): int(v) for k, v in totals.items() if v}}


def _sql_text(v: str) -> str:
    return "'" + str(v).replace("'", "''") + "'"


def _sql_name(c: str) -> str:
    return '"' + c.replace('"', '""') + '"'


class DuckWay:
    """The same work as SQL in DuckDB, in-process: the same pandas frame is registered (categoricals
    arrive as ENUMs) and copied once, untimed, into a DuckDB table (queries on the registered frame itself
    were about 2.5x slower at 1M rows). Two statements per change: the row numbers, and one UNION ALL of
    every facet's counts, the chart series and the totals."""

    def __init__(self, ds) -> None:
        import duckdb

        self.duckdb_version = duckdb.__version__
        self.con = duckdb.connect()
        self.frame = ds.frame.assign(age_years=ds.frame["age"].astype(int).astype("int8"),
                                     rn=np.arange(ds.n_rows, dtype=np.int64))
        self.con.register("frame", self.frame)
        self.con.execute("CREATE TABLE t AS SELECT * FROM frame")
        self.con.unregister("frame")
        self.facets = facet_columns(ds)
        self.text_cols = list(ds.text_columns)
        self.years = ds.categories("financial_year") if ds.has("financial_year") else []
        self.threads = self.con.execute("SELECT current_setting('threads')").fetchone()[0]

    def where(self, state, skip: str | None = None) -> str:
        conds = []
        for col, values in state.selections:
            if col == skip:
                continue
            conds.append(f"{_sql_name(col)} IN ({', '.join(_sql_text(v) for v in sorted(values))})"
                         if values else "FALSE")
        if state.age_range is not None and skip != "age":
            conds.append(f"age_years BETWEEN {int(state.age_range[0])} AND {int(state.age_range[1])}")
        if state.year_range is not None and skip != "financial_year":
            ys = [y for y in self.years if state.year_range[0] <= y <= state.year_range[1]]
            conds.append(f"financial_year IN ({', '.join(_sql_text(y) for y in ys)})" if ys else "FALSE")
        if state.search:
            pat = _sql_text("%" + state.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
            conds.append("(" + " OR ".join(f"{_sql_name(c)} ILIKE {pat} ESCAPE '\\'" for c in self.text_cols) + ")")
        return " AND ".join(conds) if conds else "TRUE"

    def apply(self, state, group_by: str, stack_by: str):
        filtered = {c for c, _ in state.selections}
        if state.age_range is not None:
            filtered.add("age")
        if state.year_range is not None:
            filtered.add("financial_year")
        full = self.where(state)
        rows = self.con.execute(f"SELECT rn FROM t WHERE {full}").fetchnumpy()["rn"]
        parts = []
        for col in self.facets:
            w = self.where(state, col) if col in filtered else full
            parts.append(f"SELECT 'f' AS kind, {_sql_text(col)} AS col, CAST({_sql_name(col)} AS VARCHAR) AS a, "
                         f"NULL AS b, count(*)::BIGINT AS n FROM t WHERE {w} GROUP BY {_sql_name(col)}")
        gw = self.where(state, group_by) if group_by in filtered else full
        parts.append(f"SELECT 's', NULL, CAST({_sql_name(group_by)} AS VARCHAR), CAST({_sql_name(stack_by)} AS VARCHAR), "
                     f"sum(\"count\")::BIGINT FROM t WHERE {gw} GROUP BY {_sql_name(group_by)}, {_sql_name(stack_by)}")
        parts.append(f"SELECT 't', NULL, CAST(measure AS VARCHAR), NULL, sum(\"count\")::BIGINT FROM t "
                     f"WHERE {full} GROUP BY measure")
        agg = self.con.execute(" UNION ALL ".join(parts)).fetchall()
        return rows, agg

    @staticmethod
    def norm(out) -> dict:
        rows, agg = out
        facets: dict[str, dict[str, int]] = {}
        series, totals = {}, {}
        for kind, col, a, b, n in agg:
            if not n:
                continue
            if kind == "f":
                facets.setdefault(col, {})[a] = int(n)
            elif kind == "s":
                series[(a, b)] = int(n)
            else:
                totals[a] = int(n)
        return {"n": int(len(rows)), "facets": facets, "series": series, "totals": totals}


def compare(a: dict, b: dict, facets: list[str]) -> str:
    """'' when two normalised results agree, else what differs first."""
    if a["n"] != b["n"]:
        return f"rows {a['n']} != {b['n']}"
    for c in facets:
        if a["facets"].get(c, {}) != b["facets"].get(c, {}):
            return f"facet counts of {c} differ"
    if a["series"] != b["series"]:
        return "chart series differ"
    if a["totals"] != b["totals"]:
        return "totals differ"
    return ""
