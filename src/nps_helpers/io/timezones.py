"""A client's time zone: the one its months, quarters and report windows are cut in.

Instants are stored in UTC; periods are local. One rule, used by ``nps-report stats``,
the report notebooks, the portfolio and the render cache alike (:func:`client_timezone`):

1. ``timezone:`` in the client's params (params/clients/<id>.yaml), when set;
2. else the zone the client's exports were read in, as the newest ingest that read times
   without an offset recorded it (the mapping's ``timezone:``, or Qualtrics' ``timeZone``
   of its ImportId row); files whose times all carry an offset record none;
3. else ``timezone:`` of params/defaults.yaml (UTC when unset).
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..config.params import load_client, load_defaults
from ..core.schema import check_client_id, check_timezone
from .store import Store


def client_timezone(
    client_id: str,
    *,
    params_dir: str | os.PathLike = "params",
    store: str | os.PathLike | Store | None = None,
) -> str:
    """The IANA zone a client's periods are cut in, by the rule of this module.

    A client without a params file skips step 1; a store without the client's ingest
    log (the demo store) skips step 2.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> s = Store(root / "store")
    >>> client_timezone("acme", params_dir=root / "params", store=s)
    'UTC'
    >>> s.log_ingest("acme", {"file": "a.csv", "timezone": "Europe/Warsaw"})
    >>> client_timezone("acme", params_dir=root / "params", store=s)
    'Europe/Warsaw'
    >>> _ = (root / "params" / "clients").mkdir(parents=True)
    >>> _ = (root / "params" / "clients" / "acme.yaml").write_text(
    ...     "client_id: acme\\ndisplay_name: Acme\\nindustry: retail\\ntimezone: America/New_York\\n")
    >>> client_timezone("acme", params_dir=root / "params", store=s)
    'America/New_York'
    """
    check_client_id(client_id)
    if (Path(params_dir) / "clients" / f"{client_id}.yaml").exists():
        zone = load_client(client_id, params_dir).timezone
        if zone:
            return zone
    st = store if isinstance(store, Store) else Store(store)
    return recorded_timezone(st.ingest_log(client_id)) or load_defaults(params_dir).timezone


def recorded_timezone(log: Sequence[Mapping]) -> str | None:
    """The zone the newest ingest that recorded one read its times in (None: none did).

    ``log`` is :meth:`~nps_helpers.io.store.Store.ingest_log` (oldest first).

    Examples
    --------
    >>> recorded_timezone([{"timezone": "Europe/Warsaw"}, {"timezone": None}, {"file": "old"}])
    'Europe/Warsaw'
    >>> recorded_timezone([]) is None
    True
    """
    for record in reversed(log):
        if record.get("timezone"):
            return check_timezone(str(record["timezone"]))
    return None
