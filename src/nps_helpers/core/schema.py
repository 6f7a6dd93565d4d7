"""The canonical data contract shared by adapters, store and analysis.

Responses hold the core columns below; any ``driver_<name>`` column is a driver rating
and any other text column is a segment (region, plan, touchpoint...).
"""
from __future__ import annotations

import re
import zoneinfo

import pandas as pd

from ..errors import NpsInputError

TABLES = ("responses", "customers", "invitations", "reviews")

RESPONSE_CORE = (
    "response_id",
    "customer_id",
    "responded_at",
    "score",
    "comment",
    "language",
    "csat",
    "ces",
)
# Bookkeeping columns the ingest adds; never shown in a report. ``date_given`` is true when
# responded_at was not read from the file but given for every row of a file without dates
# (a survey wave, ``--date``): a method note can say how many responses are dated so.
RESPONSE_TRACE = ("source_file", "source_row", "date_given")
DRIVER_PREFIX = "driver_"

CUSTOMER_CORE = ("customer_id", "started_at", "churned_at", "revenue", "plan", "region")
INVITATION_CORE = ("customer_id", "invited_at")
REVIEW_CORE = ("review_id", "platform", "reviewed_at", "stars", "text")

# Which column makes a row unique within one client, per table.
KEYS = {
    "responses": ("response_id",),
    "customers": ("customer_id",),
    "invitations": ("customer_id", "invited_at"),
    "reviews": ("review_id",),
}

_CLIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
DEFAULT_TIMEZONE = "UTC"


def check_client_id(client_id: str) -> str:
    """Return ``client_id`` if it is safe as a folder name, else raise.

    Examples
    --------
    >>> check_client_id("acme-bank")
    'acme-bank'
    """
    if not isinstance(client_id, str) or not _CLIENT_ID.match(client_id):
        raise NpsInputError(
            f"client id {client_id!r} is not usable: use 1-64 letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    return client_id


def check_timezone(name: str) -> str:
    """Return ``name`` if it is an IANA time zone, else raise naming the fix.

    Examples
    --------
    >>> check_timezone("Europe/Warsaw")
    'Europe/Warsaw'
    >>> check_timezone("CEST")
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsInputError: unknown time zone 'CEST': use an IANA name like Europe/Warsaw or UTC
    """
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise NpsInputError(f"unknown time zone {name!r}: use an IANA name like Europe/Warsaw or UTC") from None
    return name


def driver_columns(df: pd.DataFrame) -> list[str]:
    """Driver rating columns of a responses frame, in their stored order.

    Examples
    --------
    >>> driver_columns(pd.DataFrame(columns=["score", "driver_price", "region"]))
    ['driver_price']
    """
    return [c for c in df.columns if str(c).startswith(DRIVER_PREFIX)]


def segment_columns(df: pd.DataFrame) -> list[str]:
    """Segment columns of a responses frame: text columns outside the core contract.

    Examples
    --------
    >>> frame = pd.DataFrame({"score": [9], "comment": ["ok"], "region": ["EU"]})
    >>> segment_columns(frame)
    ['region']
    """
    skip = set(RESPONSE_CORE) | set(RESPONSE_TRACE) | {"client_id"}
    return [
        c
        for c in df.columns
        if c not in skip
        and not str(c).startswith(DRIVER_PREFIX)
        and (pd.api.types.is_string_dtype(df[c]) or isinstance(df[c].dtype, pd.CategoricalDtype))
    ]
