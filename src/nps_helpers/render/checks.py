"""What a batch checks before any kernel starts: a client's segments against its store, the dates asked for.

A failure here is one line naming the file, the key and the fix, and fails that client alone.
"""
from __future__ import annotations

import datetime as dt

from ..config.params import ClientParams
from ..errors import NpsInputError, NpsParamsError
from ..io.store import Store


def check_segments(client: ClientParams, st: Store) -> None:
    """Raise naming the client file when its ``segments`` name a column its stored
    responses lack (only the partition's schema is read; no responses yet: nothing to check).

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> st = Store(tempfile.mkdtemp())
    >>> st.replace("responses", "acme", pd.DataFrame({"response_id": ["1"], "score": [9],
    ...     "responded_at": pd.to_datetime(["2026-07-01"], utc=True), "region": ["EU"], "plan": ["Basic"]}))
    >>> client = ClientParams(client_id="acme", display_name="Acme", industry="retail", segments=["regoin"])
    >>> check_segments(client, st)
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsParamsError: clients/acme.yaml, key 'segments': 'regoin' is not a column of acme's responses; they hold region, plan (did you mean 'region'?)
    """
    path = st.partition("responses", client.client_id)
    if not client.segments or not path.exists():
        return
    import difflib

    import pyarrow.parquet as pq

    from ..core.schema import DRIVER_PREFIX, RESPONSE_CORE, RESPONSE_TRACE

    # Any column outside the contract can be a segment (the report groups by it whatever its type).
    skip = {*RESPONSE_CORE, *RESPONSE_TRACE, "client_id"}
    held = [c for c in pq.read_schema(path).names
            if c not in skip and not c.startswith((DRIVER_PREFIX, "__"))]
    for name in client.segments:
        if name not in held:
            close = difflib.get_close_matches(name, held, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            they = f"they hold {', '.join(held)}" if held else "they hold no segment column"
            raise NpsParamsError(
                f"clients/{client.client_id}.yaml, key 'segments': {name!r} is not a column of "
                f"{client.client_id}'s responses; {they}{hint}"
            )

def check_dates(date_from: str | None, date_to: str | None) -> None:
    """Raise naming the option when ``--from``/``--to`` is not a date or they are not in order.

    Examples
    --------
    >>> check_dates("2026-07-01", "2026-10-01")
    >>> check_dates("2026-02-30", "2026-04-01")
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsInputError: --from '2026-02-30' is not a date: use YYYY-MM-DD, e.g. 2026-07-01
    """
    dates = {}
    for option, value in (("--from", date_from), ("--to", date_to)):
        if value is None:
            continue
        try:
            dates[option] = dt.date.fromisoformat(value)
        except ValueError:
            raise NpsInputError(f"{option} {value!r} is not a date: use YYYY-MM-DD, e.g. 2026-07-01") from None
    if len(dates) == 2 and dates["--from"] >= dates["--to"]:
        raise NpsInputError(f"--from {date_from} is not before --to {date_to} (--to is exclusive)")
