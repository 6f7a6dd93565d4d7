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

from ..adapters import read_export
from ..adapters.mapping import Columns, ExportMapping, GivenDate, load_mapping, merged
from ..adapters.reviews import read_review_exports
from ..adapters.validate import ValidatedFile
from ..core.schema import check_client_id
from ..errors import NpsInputError
from .store import Store


@dataclass(frozen=True)
class IngestReport:
    """What ingesting one file did, row by row, and what reading it changed or supplied.

    Beside the counts: ``repeats`` rows kept although identical to another row of the
    file (no id tells them apart), ``not_stored`` source columns no canonical column
    took, ``replaced`` rows a ``replace`` reading dropped and ``replaced_files`` the files
    they came from, ``fingerprint`` the file's content (logged, so a later ``replace``
    finds it under another name), ``hint`` advice to print (not logged) and ``notes``
    what reading changed or supplied (cells re-decoded, a date given for every row).

    Examples
    --------
    >>> IngestReport("a.csv", read=5, stored=3, duplicates=1, unanswered=0,
    ...              rejected={"score_out_of_range": 1}).summary()
    'a.csv: read 5, stored 3, duplicates 1, unanswered 0, rejected 1 (score_out_of_range 1)'
    >>> IngestReport("b.csv", read=1, stored=1, duplicates=0, unanswered=0,
    ...              notes=("1 cell re-decoded from cp850",)).summary()
    'b.csv: read 1, stored 1, duplicates 0, unanswered 0, rejected 0; 1 cell re-decoded from cp850'
    """

    file: str
    read: int
    stored: int
    duplicates: int
    unanswered: int
    rejected: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    repeats: int = 0
    not_stored: tuple[str, ...] = ()
    replaced: int = 0
    replaced_files: tuple[str, ...] = ()
    fingerprint: str = ""
    hint: str = ""

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
            + "".join(f"; {note}" for note in self.notes)
        )

    def advice(self) -> list[str]:
        """Lines to print under the summary: rows replaced, identical rows kept, columns left out.

        Examples
        --------
        >>> IngestReport("a.csv", read=3, stored=3, duplicates=0, unanswered=0, repeats=1,
        ...              not_stored=("Which region is your clinic in?",)).advice()
        ['1 row repeats another row of this file: kept as separate responses', "not stored: 'Which region is your clinic in?' — add it under segments: to keep it (then ingest again with --replace)"]
        """
        lines = []
        if self.replaced_files:
            lines.append(f"replaced {self.replaced} rows read before from {', '.join(self.replaced_files)}")
        if self.repeats:
            verb = "row repeats" if self.repeats == 1 else "rows repeat"
            lines.append(f"{self.repeats} {verb} another row of this file: kept as separate responses")
        if self.not_stored:
            names = ", ".join(repr(c) for c in self.not_stored[:NAMED_COLUMNS])
            more = len(self.not_stored) - NAMED_COLUMNS
            them = "it" if len(self.not_stored) == 1 else "them"
            lines.append(
                f"not stored: {names}" + (f" and {more} more" if more > 0 else "")
                + f" — add {them} under segments: to keep {them} (then ingest again with --replace)"
            )
        return lines + ([self.hint] if self.hint else [])


def ingest_files(
    files: Iterable[str | os.PathLike],
    *,
    client_id: str,
    fmt: str = "auto",
    mapping: str | os.PathLike | ExportMapping | None = None,
    store: str | os.PathLike | Store | None = None,
    table: Literal["responses", "reviews"] = "responses",
    date: dt.date | str | None = None,
    replace: bool = False,
) -> list[IngestReport]:
    """Read exports into one client's store; one report per file, in the order given.

    Every file is read and validated before anything is written, so a file that cannot
    be read at all (an :class:`~nps_helpers.errors.NpsInputError` naming file, row and
    column) leaves the store as it was; so does a file from which no row is valid, or
    in which one reason rejects more than half the rows (see :func:`check_usable`).
    Rejected rows go to the client's rejects file. With ``replace`` each file's new
    reading replaces the rows read before from a file of the same name or the same
    content fingerprint (a mapping that adds a segment, a corrected export).
    ``table="reviews"`` reads review-portal exports with a review mapping
    (:mod:`nps_helpers.adapters.reviews`) into the reviews table. ``date`` (ISO) dates
    every response of files without dates (a survey wave), as the mapping's
    ``responded_at: {value: DATE}`` does; the responses record it as given, not read.

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
        if date is not None:
            raise NpsInputError("--date dates survey responses; review exports are dated by their own column")
        batches = read_review_exports(files, fmt=fmt, mapping=mapping)
    elif table == "responses":
        settings = mapping if isinstance(mapping, ExportMapping) or mapping is None else load_mapping(mapping)
        if date is not None:
            settings = merged(settings or ExportMapping(), ExportMapping(columns=Columns(responded_at=GivenDate(value=_date(date)))))
        batches = [read_export(path, fmt=fmt, mapping=settings) for path in files]
    else:
        raise NpsInputError(f"cannot ingest into table {table!r}: use responses or reviews")
    for batch in batches:
        check_usable(batch)
    return [_write(target, client_id, batch, fmt, table, replace=replace) for batch in batches]


NAMED_COLUMNS = 5
# What to do when one reason rejects most of a file: the first entry the reason starts with.
FIXES = (
    ("score_missing", "check that columns: score: in the mapping file names the NPS question"),
    ("date_missing", "check that columns: responded_at: in the mapping file names the date column"),
    ("date_unreadable", "set date_format in the mapping file (a strptime pattern such as '%d/%m/%Y %H:%M')"),
    ("date_too_old", "a date before 1980 is usually a two-digit year read wrong: set date_format in the mapping file (such as '%m/%d/%y')"),
    ("date_in_future", "the dates may be day-first or month-first the other way: set date_format in the mapping file"),
    ("wrong_field_count", "check the delimiter (delimiter: in the mapping file) or export the file again"),
    ("score_", "check that columns: score: in the mapping file names the 0-10 NPS question"),
)


def check_usable(batch: ValidatedFile) -> None:
    """Refuse a file from which no row is valid, or in which one reason rejects most rows.

    Either means the file was read wrongly (a date format, the score column, the
    delimiter), not that its respondents erred: the error names the reason, an example
    row, column and value, and the fix. A file whose valid rows are all stored already
    is not refused (that is a re-ingest).

    Examples
    --------
    >>> import pandas as pd
    >>> from nps_helpers.adapters.raw import rejects_frame
    >>> bad = rejects_frame("us.xlsx", [2, 3], "Date", ["01/05/21", "02/05/21"], "date_too_old")
    >>> check_usable(ValidatedFile("us.xlsx", pd.DataFrame(), bad, unanswered=0, read=2))
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsInputError: us.xlsx: no valid row: 2 of 2 rows rejected as date_too_old (row 2, column 'Date': '01/05/21'); a date before 1980 is usually a two-digit year read wrong: set date_format in the mapping file (such as '%m/%d/%y'); nothing was stored
    """
    # The most frequent reason; on a tie, the one met first in the file.
    counts = batch.rejects["reason"].value_counts(sort=False).sort_values(ascending=False, kind="stable")
    if len(batch.responses) and (counts.empty or 2 * counts.iloc[0] <= batch.read):
        return
    if counts.empty:
        raise NpsInputError(
            f"{batch.source}: no valid row: all {batch.read} rows leave the score blank (unanswered); "
            "check that columns: score: in the mapping file names the NPS question; nothing was stored"
        )
    reason, n = str(counts.index[0]), int(counts.iloc[0])
    first = batch.rejects[batch.rejects["reason"] == reason].iloc[0]
    fix = next(
        (text for start, text in FIXES if reason.startswith(start)),
        f"check the column {first['column']!r} and its mapping, or export the file again",
    )
    raise NpsInputError(
        f"{batch.source}: " + ("" if len(batch.responses) else "no valid row: ") + f"{n} of {batch.read} rows rejected as "
        f"{reason} (row {first['source_row']}, column {first['column']!r}: {first['value']!r}); {fix}; nothing was stored"
    )


def _write(store: Store, client_id: str, batch: ValidatedFile, fmt: str, table: str, *, replace: bool) -> IngestReport:
    earlier = [r for r in store.ingest_log(client_id) if r.get("table", "responses") == table]
    same = [r["file"] for r in earlier if r.get("file") == batch.source or (batch.fingerprint and r.get("fingerprint") == batch.fingerprint)]
    replaced = tuple(sorted({batch.source, *same})) if replace else ()
    merged = store.merge(table, client_id, batch.responses, replace_files=replaced) if len(batch.responses) else None
    # The rejects file is read back as text, so rows compare equal on a re-ingest.
    store.add_rejects(client_id, batch.rejects.astype({"source_row": "str"}), replace_files=replaced)
    stored = merged.added if merged else 0
    replaced_files = tuple(sorted(set(same))) or ((batch.source,) if merged and merged.replaced else ())
    hint = ""
    if replace and not replaced_files:
        hint = f"nothing replaced: no file named {batch.source} or with the same content was read before"
    elif not replace and batch.placed and stored and batch.source in same and batch.fingerprint not in {
        r.get("fingerprint") for r in earlier
    }:
        # Rows without an id are told apart by their file's content: a newer export of the
        # same survey is another file, and its old rows would be counted twice. Records
        # without a fingerprint come from a version that identified such rows otherwise.
        legacy = any("fingerprint" not in r for r in earlier if r.get("file") == batch.source)
        hint = (
            f"{batch.source} was read before by an older version, which identified rows without an id otherwise"
            if legacy else f"a file named {batch.source} with other rows was read before"
        ) + "; if this is the same survey, ingest it again with --replace so its rows are not counted twice"
    report = IngestReport(
        file=batch.source,
        read=batch.read,
        stored=stored,
        duplicates=merged.duplicates if merged else 0,
        unanswered=batch.unanswered,
        rejected={str(k): int(v) for k, v in batch.rejects["reason"].value_counts().items()},
        notes=batch.notes,
        repeats=batch.repeats,
        not_stored=batch.unused,
        replaced=merged.replaced if merged else 0,
        replaced_files=replaced_files if replace else (),
        fingerprint=batch.fingerprint,
        hint=hint,
    )
    # The zone naive times were read in (null when every time carried its offset): the
    # client's periods are cut in it unless its params name one (timezones.client_timezone).
    record = {k: v for k, v in asdict(report).items() if k != "hint"}
    store.log_ingest(
        client_id,
        {**record, "table": table, "format": fmt, "timezone": batch.timezone,
         "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")},
        replace_files=replaced,
    )
    return report


def _date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise NpsInputError(f"--date {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2020-06-30") from None
