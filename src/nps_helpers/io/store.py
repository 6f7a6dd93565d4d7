"""The embedded store: one Parquet file per table and client, read through DuckDB.

Layout under the store root::

    responses/client_id=<id>/data.parquet     (likewise customers, invitations, reviews)
    rejects/<id>.csv                           rows that could not be stored, with reasons
    ingests/<id>.jsonl                         one line of counts per ingest run

Every write goes to a temporary file in the same folder and is renamed over the old one,
so a crash leaves either the previous partition or the new one, never half of either.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from ..core.files import atomic_write_bytes, atomic_write_parquet
from ..core.schema import KEYS, TABLES, check_client_id
from ..errors import NpsStoreError

DEFAULT_STORE = Path("data/store")
TIME_COLUMN = {
    "responses": "responded_at",
    "customers": "started_at",
    "invitations": "invited_at",
    "reviews": "reviewed_at",
}
PARTITION_FILE = "data.parquet"


def resolve_store(
    store: str | os.PathLike | None = None,
    *,
    project: str | os.PathLike | None = None,
    configured: str | os.PathLike = DEFAULT_STORE,
) -> Path:
    """The store root, decided here only: ``store`` when given, else ``$NPS_STORE``, else
    ``configured`` (defaults.yaml's ``store``) under ``project`` (the working folder if None).

    Examples
    --------
    >>> resolve_store("/tmp/somewhere").name
    'somewhere'
    >>> import os; os.environ.pop("NPS_STORE", None) and None
    >>> resolve_store(project="/work/acme", configured="stores/main").as_posix()
    '/work/acme/stores/main'
    """
    if store is not None:
        return Path(store)
    if os.environ.get("NPS_STORE"):
        return Path(os.environ["NPS_STORE"])
    return Path(project or "") / configured


@dataclass(frozen=True)
class MergeResult:
    """What a merge into the store did: rows added, rows already there, rows it replaced."""

    added: int
    duplicates: int
    replaced: int = 0


@dataclass(frozen=True)
class Removal:
    """What :meth:`Store.remove` took out of a client's data.

    Examples
    --------
    >>> Removal("acme", "a.csv", {"responses": 3, "reviews": 1}, rejects=1, ingests=1).summary()
    'removed a.csv from acme: 3 responses, 1 review, 1 reject, 1 ingest record'
    """

    client_id: str
    file: str | None
    rows: dict[str, int]
    rejects: int
    ingests: int

    def summary(self) -> str:
        """One printable line: what was removed, table by table."""
        # Table names are plural nouns: 'responses' -> '1 response', '2 responses'.
        parts = [_count(n, table[:-1]) for table, n in self.rows.items() if n or table == "responses"]
        parts += [_count(self.rejects, "reject"), _count(self.ingests, "ingest record")]
        what = f"{self.file} from {self.client_id}" if self.file else f"client {self.client_id}"
        return f"removed {what}: " + ", ".join(parts)


@dataclass(frozen=True)
class ClientOverview:
    """One client in the store: responses, first and last response day (UTC), the files
    its rows came from and when it was last ingested (ISO time, None when not logged)."""

    client_id: str
    n: int
    first: str | None
    last: str | None
    files: tuple[str, ...]
    last_ingest: str | None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


class Store:
    """A folder of per-client Parquet partitions.

    Examples
    --------
    >>> import tempfile
    >>> store = Store(tempfile.mkdtemp())
    >>> frame = pd.DataFrame({"response_id": ["a", "b"], "score": [9, 3],
    ...     "responded_at": pd.to_datetime(["2026-01-05", "2026-02-01"], utc=True)})
    >>> store.merge("responses", "acme", frame)
    MergeResult(added=2, duplicates=0, replaced=0)
    >>> store.merge("responses", "acme", frame)
    MergeResult(added=0, duplicates=2, replaced=0)
    >>> store.clients()
    ['acme']
    """

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = resolve_store(root)

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r})"

    def partition(self, table: str, client_id: str) -> Path:
        """Path of one client's Parquet file for ``table``."""
        if table not in TABLES:
            raise NpsStoreError(f"unknown table {table!r}; the store holds {', '.join(TABLES)}")
        return self.root / table / f"client_id={check_client_id(client_id)}" / PARTITION_FILE

    def has(self, table: str, client_id: str) -> bool:
        """Whether the client has any rows stored in ``table``."""
        return self.partition(table, client_id).exists()

    def clients(self, table: str = "responses") -> list[str]:
        """Client ids with a partition in ``table``, sorted."""
        folder = self.root / table
        if not folder.is_dir():
            return []
        return sorted(
            p.name.split("=", 1)[1]
            for p in folder.iterdir()
            if p.name.startswith("client_id=") and (p / PARTITION_FILE).exists()
        )

    def read(
        self,
        table: str,
        client_id: str,
        *,
        start: str | pd.Timestamp | None = None,
        end: str | pd.Timestamp | None = None,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """One client's rows of ``table``, optionally within ``[start, end)``.

        Only that client's partition is opened. ``start``/``end`` filter on the table's
        time column (``responded_at`` for responses) and are read as UTC when naive.
        """
        path = self.partition(table, client_id)
        if not path.exists():
            if table == "responses":
                raise NpsStoreError(
                    f"no responses for client {client_id!r} in store {self.root}: ingest an "
                    "export first (nps-report ingest FILE --client ID) or make the demo store "
                    "(nps-report demo-data)"
                )
            return pd.DataFrame()
        where, args = _time_filter(TIME_COLUMN[table], start, end)
        cols = "*" if columns is None else ", ".join(quote_identifier(c) for c in columns)
        with connect() as con:
            frame = con.sql(
                f"SELECT {cols} FROM read_parquet($1, hive_partitioning=false){where}",
                params=[str(path), *args],
            ).to_arrow_table()
        out = frame.to_pandas()
        out.insert(0, "client_id", pd.array([client_id] * len(out), dtype="str"))
        return out

    def replace(self, table: str, client_id: str, df: pd.DataFrame) -> None:
        """Replace a client's partition with ``df`` (atomically)."""
        frame = df.drop(columns=["client_id"], errors="ignore")
        atomic_write_parquet(frame.reset_index(drop=True), self.partition(table, client_id))

    def merge(
        self, table: str, client_id: str, df: pd.DataFrame, *, replace_files: Collection[str] = ()
    ) -> MergeResult:
        """Add the rows of ``df`` whose key is not stored yet; return what was added.

        Rows whose key repeats within ``df`` count as duplicates too, so re-ingesting the
        same file changes nothing. Stored rows whose ``source_file`` is one of
        ``replace_files`` are dropped first, in the same write (a new reading of a file).

        Examples
        --------
        >>> import tempfile
        >>> store = Store(tempfile.mkdtemp())
        >>> _ = store.merge("responses", "acme", pd.DataFrame({"response_id": ["a"], "source_file": ["x.csv"]}))
        >>> store.merge("responses", "acme", pd.DataFrame({"response_id": ["a"], "source_file": ["x.csv"],
        ...     "region": ["EU"]}), replace_files=["x.csv"])
        MergeResult(added=1, duplicates=0, replaced=1)
        """
        key = list(KEYS[table])
        with self.lock(client_id):
            new = df.drop(columns=["client_id"], errors="ignore")
            fresh = ~new.duplicated(subset=key, keep="first")
            old = pd.read_parquet(self.partition(table, client_id)) if self.has(table, client_id) else None
            replaced = 0
            if old is not None and replace_files and "source_file" in old.columns:
                kept = ~old["source_file"].isin(list(replace_files))
                replaced = int((~kept).sum())
                old = old[kept] if replaced else old
            if old is not None and len(old):
                known = pd.MultiIndex.from_frame(old[key].astype("str"))
                fresh &= ~pd.MultiIndex.from_frame(new[key].astype("str")).isin(known)
                combined = pd.concat([old, new[fresh]], ignore_index=True) if fresh.any() or replaced else None
            else:
                combined = new[fresh] if fresh.any() or replaced else None
            if combined is not None and len(combined):
                self.replace(table, client_id, combined)
            elif combined is not None:
                self.partition(table, client_id).unlink()
        added = int(fresh.sum())
        return MergeResult(added=added, duplicates=len(new) - added, replaced=replaced)

    def remove(self, client_id: str, file: str | None = None) -> Removal:
        """Remove a client's data, or the rows one file brought (``file``: its name).

        Every table's rows, the rejects and the ingest log go together, so they stay
        consistent; a partition left without rows is deleted. Raises
        :class:`~nps_helpers.errors.NpsStoreError` when there is nothing to remove.

        Examples
        --------
        >>> import tempfile
        >>> store = Store(tempfile.mkdtemp())
        >>> _ = store.merge("responses", "acme", pd.DataFrame({"response_id": ["a", "b"],
        ...     "source_file": ["x.csv", "y.csv"]}))
        >>> store.remove("acme", "x.csv").summary()
        'removed x.csv from acme: 1 response, 0 rejects, 0 ingest records'
        >>> store.remove("acme").summary(), store.clients()
        ('removed client acme: 1 response, 0 rejects, 0 ingest records', [])
        """
        log_path = self._log_path(client_id)
        with self.lock(client_id):
            rows: dict[str, int] = {}
            for table in TABLES:
                path = self.partition(table, client_id)
                if not path.exists():
                    continue
                frame = pd.read_parquet(path)
                gone = frame["source_file"].eq(file) if file is not None and "source_file" in frame else None
                if file is not None and gone is None:
                    continue
                rows[table] = len(frame) if gone is None else int(gone.sum())
                if gone is None or gone.all():
                    path.unlink()
                    with contextlib.suppress(OSError):
                        path.parent.rmdir()
                elif rows[table]:
                    self.replace(table, client_id, frame[~gone])
            rejects = self.read_rejects(client_id)
            dropped = rejects["source_file"].eq(file) if file is not None else pd.Series(True, index=rejects.index)
            log = self.ingest_log(client_id)
            kept_log = [r for r in log if file is not None and r.get("file") != file]
            if not any(rows.values()) and not dropped.any() and len(kept_log) == len(log):
                raise NpsStoreError(self._nothing_to_remove(client_id, file))
            if dropped.all():
                self.rejects_path(client_id).unlink(missing_ok=True)
            elif dropped.any():
                atomic_write_bytes(self.rejects_path(client_id), rejects[~dropped].to_csv(index=False).encode("utf-8"))
            if kept_log:
                atomic_write_bytes(log_path, _jsonl(kept_log))
            else:
                log_path.unlink(missing_ok=True)
        return Removal(client_id, file, {"responses": 0, **rows}, int(dropped.sum()), len(log) - len(kept_log))

    def _nothing_to_remove(self, client_id: str, file: str | None) -> str:
        if file is None:
            known = ", ".join(self.clients()) or "none"
            return f"no data for client {client_id!r} in store {self.root} (its clients: {known}); nps-report clients lists them"
        files = self.files(client_id)
        listing = ", ".join(repr(f) for f in files) if files else "none"
        return f"client {client_id!r} has no rows from a file named {file!r} (its files: {listing}); give the name as nps-report clients prints it"

    def files(self, client_id: str) -> list[str]:
        """Names of the files a client's stored rows came from (every table), sorted.

        Examples
        --------
        >>> import tempfile
        >>> store = Store(tempfile.mkdtemp())
        >>> _ = store.merge("responses", "acme", pd.DataFrame({"response_id": ["a"], "source_file": ["x.csv"]}))
        >>> store.files("acme")
        ['x.csv']
        """
        names: set[str] = set()
        for table in TABLES:
            path = self.partition(table, client_id)
            if path.exists() and "source_file" in pq.read_schema(path).names:
                names.update(pd.read_parquet(path, columns=["source_file"])["source_file"].dropna())
        return sorted(names)

    def overview(self) -> list[ClientOverview]:
        """Every client with stored responses or an ingest log, sorted by id.

        Examples
        --------
        >>> import tempfile
        >>> store = Store(tempfile.mkdtemp())
        >>> _ = store.merge("responses", "acme", pd.DataFrame({"response_id": ["a"], "source_file": ["x.csv"],
        ...     "responded_at": pd.to_datetime(["2026-01-05 10:00"], utc=True)}))
        >>> store.overview()
        [ClientOverview(client_id='acme', n=1, first='2026-01-05', last='2026-01-05', files=('x.csv',), last_ingest=None)]
        """
        logged = {p.stem for p in (self.root / "ingests").glob("*.jsonl")} if (self.root / "ingests").is_dir() else set()
        records = []
        for client_id in sorted(set(self.clients()) | logged):
            n, first, last = 0, None, None
            path = self.partition("responses", client_id)
            if path.exists():
                span = ("min", "max") if "responded_at" in pq.read_schema(path).names else ()
                with connect() as con:
                    n, *dates = con.sql(
                        "SELECT " + ", ".join(["count(*)", *(f"strftime({f}(responded_at), '%Y-%m-%d')" for f in span)])
                        + " FROM read_parquet($1, hive_partitioning=false)",
                        params=[str(path)],
                    ).fetchall()[0]
                first, last = dates or (None, None)
            stamps = [r["at"] for r in self.ingest_log(client_id) if r.get("at")]
            records.append(ClientOverview(client_id, n, first, last, tuple(self.files(client_id)), max(stamps, default=None)))
        return records

    @contextlib.contextmanager
    def lock(self, client_id: str) -> Iterator[None]:
        """Hold an exclusive lock on one client's partitions (ingests of one client queue).

        The holder is the client's only writer, so temporary files of the client's
        partitions, rejects and log found then were left by a killed writer: removed.
        """
        lock_dir = self.root / ".locks"
        lock_dir.mkdir(parents=True, exist_ok=True)
        with open(lock_dir / f"{check_client_id(client_id)}.lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                self._remove_leftovers(client_id)
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _remove_leftovers(self, client_id: str) -> None:
        files = [self.partition(t, client_id) for t in TABLES]
        files += [self.rejects_path(client_id), self._log_path(client_id)]
        for path in files:
            for tmp in path.parent.glob(f".{path.name}.*.tmp"):
                tmp.unlink(missing_ok=True)

    # --- rejects and ingest log ------------------------------------------------------
    def rejects_path(self, client_id: str) -> Path:
        """The CSV holding a client's rejected rows with their reasons."""
        return self.root / "rejects" / f"{check_client_id(client_id)}.csv"

    def add_rejects(self, client_id: str, rejects: pd.DataFrame, *, replace_files: Collection[str] = ()) -> None:
        """Append rejected rows (source_file, source_row, column, value, reason).

        Rejects of ``replace_files`` are dropped first (a new reading of those files).
        """
        if rejects.empty and not replace_files:
            return
        path = self.rejects_path(client_id)
        with self.lock(client_id):
            old = self.read_rejects(client_id)
            dropped = old["source_file"].isin(list(replace_files))
            if rejects.empty and not dropped.any():
                return
            old = old[~dropped]
            both = pd.concat([old, rejects], ignore_index=True) if len(old) else rejects
            both = both.drop_duplicates(subset=["source_file", "source_row", "column", "reason"])
            if both.empty:
                path.unlink(missing_ok=True)
            else:
                atomic_write_bytes(path, both.to_csv(index=False).encode("utf-8"))

    def read_rejects(self, client_id: str) -> pd.DataFrame:
        """A client's rejected rows (empty frame when none)."""
        path = self.rejects_path(client_id)
        if not path.exists():
            return pd.DataFrame(columns=["source_file", "source_row", "column", "value", "reason"])
        return pd.read_csv(path, dtype="str", keep_default_na=False)

    def log_ingest(self, client_id: str, record: dict, *, replace_files: Collection[str] = ()) -> None:
        """Append one ingest run's counts to the client's log.

        Earlier records of ``replace_files`` into the same table are dropped: those rows
        were replaced by this reading.
        """
        path = self._log_path(client_id)
        with self.lock(client_id):
            if replace_files:
                table = record.get("table", "responses")
                kept = [
                    r for r in self.ingest_log(client_id)
                    if r.get("file") not in replace_files or r.get("table", "responses") != table
                ]
                atomic_write_bytes(path, _jsonl([*kept, record]))
            else:
                old = path.read_bytes() if path.exists() else b""
                atomic_write_bytes(path, old + _jsonl([record]))

    def ingest_log(self, client_id: str) -> list[dict]:
        """Every ingest run recorded for a client, oldest first."""
        path = self._log_path(client_id)
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def _log_path(self, client_id: str) -> Path:
        return self.root / "ingests" / f"{check_client_id(client_id)}.jsonl"

    # --- whole-store queries -------------------------------------------------------------
    def glob(self, table: str) -> str:
        """DuckDB glob over every client's partition of ``table``."""
        return str(self.root / table / "client_id=*" / PARTITION_FILE)

    def sql(self, query: str, params: Sequence | None = None) -> pd.DataFrame:
        """Run SQL over the store; ``{responses}`` etc. name the tables, all clients.

        Examples
        --------
        >>> import tempfile
        >>> store = Store(tempfile.mkdtemp())
        >>> store.merge("responses", "a", pd.DataFrame({"response_id": ["1"], "score": [10]}))
        MergeResult(added=1, duplicates=0, replaced=0)
        >>> store.sql("SELECT client_id, count(*) AS n FROM {responses} GROUP BY 1")
          client_id  n
        0         a  1
        """
        views = {
            t: f"read_parquet('{self.glob(t)}', hive_partitioning=true, "
            "hive_types={'client_id': VARCHAR}, union_by_name=true)"
            for t in TABLES
        }
        with connect() as con:
            return query_frame(con, query.format(**views), params)


def load_responses(
    client_id: str,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    store: str | os.PathLike | Store | None = None,
) -> pd.DataFrame:
    """One client's responses in ``[start, end)``, read from its partition only.

    Examples
    --------
    >>> import tempfile
    >>> s = Store(tempfile.mkdtemp())
    >>> _ = s.merge("responses", "acme", pd.DataFrame({"response_id": ["r1"], "score": [7],
    ...     "responded_at": pd.to_datetime(["2026-03-01"], utc=True)}))
    >>> load_responses("acme", start="2026-01-01", store=s)[["client_id", "score"]]
      client_id  score
    0      acme      7
    """
    st = store if isinstance(store, Store) else Store(store)
    return st.read("responses", client_id, start=start, end=end)


def load_table(
    table: str, client_id: str, store: str | os.PathLike | Store | None = None
) -> pd.DataFrame:
    """One client's customers, invitations or reviews (an empty frame when absent).

    Examples
    --------
    >>> import tempfile
    >>> load_table("customers", "acme", store=tempfile.mkdtemp()).empty
    True
    """
    st = store if isinstance(store, Store) else Store(store)
    return st.read(table, client_id)


def query_frame(con: duckdb.DuckDBPyConnection, query: str, params: Sequence | None = None) -> pd.DataFrame:
    """Run ``query`` on ``con`` and return a DataFrame (through Arrow: no copy, no warnings).

    Examples
    --------
    >>> with connect() as con:
    ...     query_frame(con, "SELECT $1::INTEGER + 1 AS x", [41])
        x
    0  42
    """
    return con.sql(query, params=list(params) if params else None).to_arrow_table().to_pandas()


def _jsonl(records: Sequence[dict]) -> bytes:
    return "".join(json.dumps(r, default=str) + "\n" for r in records).encode()


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection that reads times in UTC, as the store holds them.

    Examples
    --------
    >>> with connect() as con:
    ...     con.execute("SELECT current_setting('TimeZone')").fetchone()[0]
    'UTC'
    """
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con


def quote_identifier(name: str) -> str:
    """A column name quoted for DuckDB SQL (inner quotes doubled).

    Examples
    --------
    >>> print(quote_identifier("region"), quote_identifier("a'b"))
    "region" "a'b"
    """
    return '"' + name.replace('"', '""') + '"'


def _time_filter(column: str, start, end) -> tuple[str, list]:
    clauses: list[str] = []
    args: list[str] = []
    for bound, op in ((start, ">="), (end, "<")):
        if bound is not None:
            ts = pd.Timestamp(bound)
            ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
            clauses.append(f"{quote_identifier(column)} {op} ${len(args) + 2}::TIMESTAMPTZ")
            args.append(ts.isoformat())
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args
