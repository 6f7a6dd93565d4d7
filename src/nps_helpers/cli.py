"""The ``nps-report`` command line: demo data, ingest, remove, clients, stats, render, approve."""
from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .errors import NpsError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Survey exports in, honest NPS reports out.",
    pretty_exceptions_enable=False,
    # Plain help (click's): typer's rich panels label every flag '<bool>' and every value '<str>'.
    rich_markup_mode=None,
)

StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", metavar="DIR", help="Store folder (default: $NPS_STORE or data/store).", show_default=False),
]


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"nps-report {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Survey exports in, honest NPS reports out."""


def _fail(err: Exception) -> None:
    typer.secho(f"error: {err}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=2)


class Format(StrEnum):
    auto = "auto"
    qualtrics = "qualtrics"
    surveymonkey = "surveymonkey"
    delighted = "delighted"
    typeform = "typeform"
    google_forms = "google-forms"
    survicate = "survicate"
    wootric = "wootric"
    retently = "retently"
    asknicely = "asknicely"
    generic = "generic"


class StoreTable(StrEnum):
    """The store table an export goes to (nps-report ingest --table)."""

    responses = "responses"
    reviews = "reviews"


@app.command("demo-data")
def demo_data(
    out: Annotated[Path | None, typer.Option("--out", metavar="DIR", help="Store folder to write.")] = None,
    seed: Annotated[int, typer.Option(metavar="N", help="Random seed; the same seed gives the same data.")] = 7,
    clients: Annotated[int, typer.Option(metavar="N", help="Number of clients.")] = 12,
    responses: Annotated[int, typer.Option(metavar="N", help="Total responses over all clients.")] = 150_000,
    params_dir: Annotated[Path | None, typer.Option("--params", metavar="DIR", help="Also write params/clients/*.yaml here.")] = None,
) -> None:
    """Write a deterministic demo store (responses, customers, invitations, reviews)."""
    from .demo import write_demo_store
    from .io.store import resolve_store

    try:
        summary = write_demo_store(resolve_store(out), seed=seed, clients=clients, responses=responses, params_dir=params_dir)
    except NpsError as err:
        _fail(err)
    typer.echo(summary)


# The keys of adapters.mapping.ExportMapping (a test checks this text names every one).
MAPPING_HELP = """\b
Mapping file (--mapping), every key optional:
  columns:      {response_id, responded_at, score, comment, customer_id, language, csat, ces}
                each the source column's name; responded_at may be {value: YYYY-MM-DD}
  segments:     {snake_case_name: source column}, kept as report segments
  drivers:      {snake_case_name: source rating column}, for key drivers
  date_format:  day-first | month-first | unix | a strptime pattern such as '%d.%m.%Y'
  encoding:     utf-8 | utf-16 | cp1250 | cp1251 | cp1252 | latin-1 (detected when unset)
  delimiter:    ',' | ';' | tab | '|' (detected when unset)
  timezone:     IANA zone of times written without an offset (default UTC)
  sheet:        the sheet of a workbook with several
  header_row:   the spreadsheet row of the column names (found when unset)
"""


@app.command(epilog=MAPPING_HELP)
def ingest(
    files: Annotated[list[Path], typer.Argument(metavar="FILE", help="Export files to read.")],
    client: Annotated[str, typer.Option("--client", metavar="ID", help="Client id the rows belong to.")],
    format: Annotated[Format, typer.Option("--format", help="Export format.")] = Format.auto,
    mapping: Annotated[Path | None, typer.Option("--mapping", metavar="FILE", help="Column mapping YAML (its keys are listed below).")] = None,
    table: Annotated[StoreTable, typer.Option("--table", help="responses (survey exports) or reviews (review-portal exports).")] = StoreTable.responses,
    date: Annotated[str | None, typer.Option("--date", metavar="DATE", help="YYYY-MM-DD: the date of every response of files without dates (a survey wave).")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace the rows read before from a file of the same name or content with this reading (say, after adding a segment to the mapping).")] = False,
    store: StoreOpt = None,
) -> None:
    """Read survey exports into the store; every row is stored, a duplicate, unanswered or rejected.

    Rejected rows go to the store's rejects/<client>.csv with their reasons. The exit code
    is non-zero when a file cannot be read, when no row of a file is valid, or when one
    reason rejects more than half its rows; then nothing is written.
    With --table reviews the files are review-portal exports (platform, date, 1-5 stars, text).
    With --date every response gets that date, recorded as given (date_given true).
    """
    from .io.ingest import ingest_files

    try:
        reports = ingest_files(
            files, client_id=client, fmt=format.value, mapping=mapping, store=store, table=table.value, date=date,
            replace=replace,
        )
    except NpsError as err:
        _fail(err)
    for report in reports:
        typer.echo(report.summary())
        for note in report.advice():
            typer.echo(f"  {note}")


@app.command()
def remove(
    client: Annotated[str, typer.Option("--client", metavar="ID", help="Client id whose data to remove.")],
    file: Annotated[str | None, typer.Option("--file", metavar="NAME", help="Only the rows read from this file (its name, as 'clients' lists it).")] = None,
    store: StoreOpt = None,
) -> None:
    """Remove a client's data, or one file's rows, from the store (responses, rejects and ingest log)."""
    from .io.store import Store

    try:
        removal = Store(store).remove(client, file)
    except NpsError as err:
        _fail(err)
    typer.echo(removal.summary())


@app.command()
def clients(store: StoreOpt = None) -> None:
    """List the store's clients: responses, first and last date, files, last ingest."""
    from .io.store import Store

    target = Store(store)
    overview = target.overview()
    if not overview:
        typer.echo(f"no clients in store {target.root}: ingest an export first (nps-report ingest FILE --client ID)")
        return
    for row in overview:
        dates = f", {row.first} to {row.last}" if row.first else ""
        files = f", files: {', '.join(row.files)}" if row.files else ""
        last = f", last ingest {row.last_ingest}" if row.last_ingest else ""
        typer.echo(f"{row.client_id}: {row.n} response{'' if row.n == 1 else 's'}{dates}{files}{last}")


@app.command()
def stats(
    client: Annotated[str, typer.Option("--client", metavar="ID", help="Client id.")],
    by: Annotated[str, typer.Option("--by", metavar="month|quarter|year|SEGMENT", help="month, quarter, year or a segment column.")] = "month",
    date_from: Annotated[str | None, typer.Option("--from", metavar="DATE", help="First day (inclusive), ISO date.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", metavar="DATE", help="Last day (exclusive), ISO date.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    suppress: Annotated[bool, typer.Option("--suppress", help="Withhold counts, NPS and interval of rows below the client's suppress_n, as the report does.")] = False,
    params_dir: Annotated[Path, typer.Option("--params", metavar="DIR", help="Params folder (defaults.yaml, clients/): the client's time zone, min_n and suppress_n.")] = Path("params"),
    store: StoreOpt = None,
) -> None:
    """NPS per period or segment with n, a 95% interval and a flag (ok, low_n, suppressed).

    Months, quarters and the --from/--to dates are in the client's time zone: its params'
    timezone, else the zone its exports were read in, else defaults.yaml. The flag follows
    the client's min_n and suppress_n (its params, else defaults.yaml).
    """
    from .analysis.stats import STAT_KEYS, client_stats, client_thresholds, flag_rows
    from .io.timezones import client_timezone
    from .render.checks import check_dates

    columns = ["group", *STAT_KEYS, "flag"]
    try:
        check_dates(date_from, date_to)
        zone = client_timezone(client, params_dir=params_dir, store=store)
        min_n, suppress_n = client_thresholds(client, params_dir)
        table = client_stats(client, by=by, start=date_from, end=date_to, store=store, tz=zone)
    except NpsError as err:
        _fail(err)
    table = flag_rows(table, min_n=min_n, suppress_n=suppress_n, suppress=suppress)
    if as_json:
        records = table[columns].to_dict("records")
        typer.echo(json.dumps(records, indent=1, default=_json_default, allow_nan=False))
    else:
        from rich.console import Console
        from rich.table import Table

        out = Table(title=f"NPS of {client} by {by} ({zone})")
        for col in columns:
            out.add_column(col, justify="left" if col in ("group", "flag") else "right")
        for row in table.itertuples(index=False):
            rec = row._asdict()
            out.add_row(*(_cell(rec[c]) for c in columns))
        Console().print(out)


@app.command()
def render(
    batch: Annotated[str | None, typer.Argument(metavar="BATCH", help="Batch name (params/batches/<name>.yaml); default: every client, into outputs/adhoc/.")] = None,
    client: Annotated[list[str] | None, typer.Option("--client", metavar="ID", help="Only this client (repeat for more).")] = None,
    period: Annotated[str | None, typer.Option("--period", metavar="PERIOD", help="2026-Q3, 2026-07, 2026, latest-quarter, latest-month, or FROM..TO with ISO dates (TO exclusive: 2026-04-01..2026-10-01).")] = None,
    date_from: Annotated[str | None, typer.Option("--from", metavar="DATE", help="First day (inclusive), ISO date; needs --to.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", metavar="DATE", help="Last day (exclusive), ISO date.")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, metavar="N", help="Reports rendered at once (default: number of cores).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Render again even reports whose inputs are unchanged.")] = False,
    out: Annotated[Path | None, typer.Option("--out", metavar="DIR", help="Outputs folder (default: 'outputs' of params/defaults.yaml).")] = None,
    language: Annotated[str | None, typer.Option("--language", metavar="LANG", help="Language of every report: en, pl, sl, ru or de.")] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", min=1, metavar="SECONDS", help="Seconds allowed per report (default: defaults.yaml).")] = None,
    params_dir: Annotated[Path, typer.Option("--params", metavar="DIR", help="Params folder (defaults.yaml, clients/, batches/).")] = Path("params"),
    store: StoreOpt = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also print each report to <client>.pdf beside its HTML (A4, headless Chromium).")] = False,
    dask: Annotated[str | None, typer.Option("--dask", metavar="SCHEDULER", help="Run the reports on a Dask cluster: its scheduler address (tcp://host:8786), or 'local' for a LocalCluster of --workers processes. Workers need the same paths (docs/scale-out.md).")] = None,
    final: Annotated[bool, typer.Option("--final", help="Refuse draft reports (commentary not approved, or data changed since): they are not written and the report in place stays.")] = False,
) -> None:
    """Render reports as self-contained HTML, in parallel; unchanged reports are skipped."""
    result = _render(
        batch, clients=client, period=period, date_from=date_from, date_to=date_to,
        workers=workers, force=force, out=out, params_dir=params_dir, store=store,
        language=language, timeout=timeout, pdf=pdf, dask=dask, final=final,
    )
    typer.echo(result.summary())
    raise typer.Exit(code=result.exit_code)


@app.command()
def approve(
    client: Annotated[str, typer.Option("--client", help="Client id.")],
    period: Annotated[str, typer.Option("--period", help="The period as the outputs folder names it: 2026-Q3, 2026-07, 2026 or 2026-01-01..2026-04-01.")],
    params_dir: Annotated[Path, typer.Option("--params", help="Params folder (defaults.yaml, clients/, commentary/).")] = Path("params"),
    store: StoreOpt = None,
) -> None:
    """Approve a commentary (params/commentary/<client>/<period>.md) against the figures it now reads.

    Read it in the rendered report first. A later render whose data or figures differ
    marks the report as a draft again; render --final refuses drafts.
    """
    from .core.periods import parse_period
    from .views.report import approve_commentary, open_report

    try:
        if period.strip().startswith("latest"):
            raise NpsError(f"period {period!r}: name the period as the outputs folder does (e.g. 2026-Q3)")
        per = parse_period(period)
        report = open_report(client, per.start.date().isoformat(), per.end.date().isoformat(),
                             period_label=per.label, store=store, params_dir=params_dir)
        view, _ = approve_commentary(report)
    except NpsError as err:
        _fail(err)
    typer.echo(f"approved {view.source} for {client} ({per.label}): NPS {view.figures['nps']}, "
               f"n {view.figures['n']}, fingerprint {view.fingerprint[:12]}")
    for warning in view.warnings:
        typer.echo(f"warning: {warning}")


@app.command()
def demo(
    store: StoreOpt = None,
    params_dir: Annotated[Path, typer.Option("--params", metavar="DIR", help="Params folder with the demo clients.")] = Path("params"),
    out: Annotated[Path | None, typer.Option("--out", metavar="DIR", help="Outputs folder.")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, metavar="N", help="Reports rendered at once.")] = None,
) -> None:
    """The main job on embedded defaults: build the demo store if missing, render the demo batch."""
    from .demo import write_demo_store
    from .io.store import Store, resolve_store

    root = resolve_store(store)
    if not Store(root).clients():
        typer.echo(write_demo_store(root))
    result = _render("demo", store=root, params_dir=params_dir, out=out, workers=workers)
    typer.echo(result.summary())
    raise typer.Exit(code=result.exit_code)


def _render(batch: str | None, **options):
    """Run render_batch; a params error or Ctrl-C/SIGTERM ends with one line, no partial file."""
    import signal

    from .render.batch import render_batch

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        return render_batch(batch, **options)
    except NpsError as err:
        _fail(err)
    except KeyboardInterrupt:
        typer.secho("interrupted: finished reports are kept; no partial file was written", err=True)
        raise typer.Exit(code=130) from None
    finally:
        signal.signal(signal.SIGTERM, previous)


def _cell(value) -> str:
    if value is None:
        return "\u2014"  # withheld
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def _json_default(value):
    return None if value != value else str(value)


if __name__ == "__main__":
    app()
