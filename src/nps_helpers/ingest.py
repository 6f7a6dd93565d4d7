"""Ingest survey exports into the store: read, validate, dedupe, write, and account for every row.

Each input row ends in exactly one place: stored, a duplicate of a stored response,
an unanswered survey (Qualtrics blank score), or the client's rejects file with its
reason, so ``read = stored + duplicates + unanswered + rejected`` for every file.
Review-portal exports go the same way into the ``reviews`` table (``table="reviews"``).
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal

from .adapters import read_export
from .adapters.mapping import Mapping, load_mapping
from .adapters.reviews import read_review_exports
from .adapters.validate import Batch
from .errors import NpsInputError
from .schema import check_client_id
from .store import Store


@dataclass(frozen=True)
class IngestReport:
    """What ingesting one file did, row by row.

    Examples
    --------
    >>> IngestReport("a.csv", read=5, stored=3, duplicates=1, unanswered=0,
    ...              rejected={"score_out_of_range": 1}).summary()
    'a.csv: read 5, stored 3, duplicates 1, unanswered 0, rejected 1 (score_out_of_range 1)'
    """

    file: str
    read: int
    stored: int
    duplicates: int
    unanswered: int
    rejected: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        assert self.read == self.stored + self.duplicates + self.unanswered + self.rejected_total, (
            f"{self.file}: rows unaccounted for: read {self.read} != stored {self.stored} + duplicates "
            f"{self.duplicates} + unanswered {self.unanswered} + rejected {self.rejected_total}"
        )

    @property
    def rejected_total(self) -> int:
        """Rejected rows over all reasons."""
        return sum(self.rejected.values())

    def summary(self) -> str:
        """One printable line of counts."""
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(self.rejected.items()))
        return (
            f"{self.file}: read {self.read}, stored {self.stored}, duplicates {self.duplicates}, "
            f"unanswered {self.unanswered}, rejected {self.rejected_total}" + (f" ({reasons})" if reasons else "")
        )


def ingest_files(
    files: Iterable[str | os.PathLike],
    *,
    client_id: str,
    fmt: str = "auto",
    mapping: str | os.PathLike | Mapping | None = None,
    store: str | os.PathLike | Store | None = None,
    table: Literal["responses", "reviews"] = "responses",
) -> list[IngestReport]:
    """Read exports into one client's store; one report per file, in the order given.

    Every file is read and validated before anything is written, so a file that cannot
    be read at all (an :class:`~nps_helpers.errors.NpsInputError` naming file, row and
    column) leaves the store as it was. Rejected rows go to the client's rejects file.
    ``table="reviews"`` reads review-portal exports with a review mapping
    (:mod:`nps_helpers.adapters.reviews`) into the reviews table.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "nps.csv").write_text("id,date,nps\\n1,2026-01-05,9\\n2,2026-01-06,ten\\n")
    >>> [r.summary() for r in ingest_files([folder / "nps.csv"], client_id="acme", store=folder / "store")]
    ['nps.csv: read 2, stored 1, duplicates 0, unanswered 0, rejected 1 (score_not_a_number 1)']
    >>> ingest_files([folder / "nps.csv"], client_id="acme", store=folder / "store")[0].duplicates
    1
    """
    check_client_id(client_id)
    target = store if isinstance(store, Store) else Store(store)
    if table == "reviews":
        batches = read_review_exports(files, fmt=fmt, mapping=mapping)
    elif table == "responses":
        settings = mapping if isinstance(mapping, Mapping) or mapping is None else load_mapping(mapping)
        batches = [read_export(path, fmt=fmt, mapping=settings) for path in files]
    else:
        raise NpsInputError(f"cannot ingest into table {table!r}: use responses or reviews")
    return [_write(target, client_id, batch, fmt, table) for batch in batches]


def _write(store: Store, client_id: str, batch: Batch, fmt: str, table: str) -> IngestReport:
    merged = store.merge(table, client_id, batch.responses) if len(batch.responses) else None
    # The rejects file is read back as text, so rows compare equal on a re-ingest.
    store.add_rejects(client_id, batch.rejects.astype({"source_row": "str"}))
    report = IngestReport(
        file=batch.source,
        read=batch.read,
        stored=merged.added if merged else 0,
        duplicates=merged.duplicates if merged else 0,
        unanswered=batch.unanswered,
        rejected={str(k): int(v) for k, v in batch.rejects["reason"].value_counts().items()},
    )
    # The zone naive times were read in (null when every time carried its offset): the
    # client's periods are cut in it unless its params name one (timezones.client_timezone).
    store.log_ingest(
        client_id, {**asdict(report), "table": table, "format": fmt, "timezone": batch.timezone,
                    "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    )
    return report
