"""Write the demo store (and optionally the demo clients' params files), client by client."""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import numpy as np
import yaml

from ..core.files import atomic_write_bytes
from ..errors import NpsInputError
from ..io.store import Store
from .generate import END, START, client_tables
from .profiles import ClientProfile, client_params, demo_profiles

MIN_RESPONSES = 20  # per client, so every client has something to report


def allocate(total: int, weights: list[float], minimum: int = MIN_RESPONSES) -> np.ndarray:
    """Split ``total`` responses over clients by weight: each gets ``minimum``, the sum is exact.

    Examples
    --------
    >>> allocate(100, [0.7, 0.2, 0.1], minimum=10).tolist()
    [59, 24, 17]
    """
    share = np.asarray(weights, dtype=float) / np.sum(weights)
    counts = minimum + np.floor(share * (total - minimum * len(share))).astype(np.int64)
    counts[np.argmax(share)] += total - counts.sum()
    return counts


def write_demo_store(
    root: str | os.PathLike,
    *,
    seed: int = 7,
    clients: int = 12,
    responses: int = 150_000,
    params_dir: str | os.PathLike | None = None,
) -> str:
    """Write a deterministic demo store and return a one-paragraph summary.

    Each client's responses, customers, invitations and (for some) reviews replace its
    partitions; other clients in the store are left alone. The same seed gives the same
    bytes. With ``params_dir``, ``<params_dir>/clients/<id>.yaml`` is written per client.

    Examples
    --------
    >>> import tempfile
    >>> root = tempfile.mkdtemp()
    >>> print(write_demo_store(root, clients=2, responses=400).splitlines()[0])
    demo store: 2 clients in 2 industries (languages en 2), 2024-10-01 to 2026-09-30
    >>> Store(root).clients()
    ['brightwave-mobile', 'kestrel-bank']
    """
    if clients < 1:
        raise NpsInputError(f"--clients is {clients}: ask for at least 1 client")
    if seed < 0:
        raise NpsInputError(f"--seed is {seed}: use a whole number >= 0")
    if responses < MIN_RESPONSES * clients:
        raise NpsInputError(
            f"--responses is {responses}: {clients} clients need at least {MIN_RESPONSES * clients} "
            f"({MIN_RESPONSES} each); ask for more responses or fewer clients"
        )
    profiles = demo_profiles(clients, seed)
    store = Store(root)
    rows: Counter[str] = Counter()
    for index, (profile, n) in enumerate(zip(profiles, allocate(responses, [p.weight for p in profiles]), strict=True)):
        tables = client_tables(profile, int(n), np.random.default_rng([seed, index]))
        for table in ("responses", "customers", "invitations", "reviews"):
            frame = getattr(tables, table)
            if frame is None:
                # A stale partition from an earlier demo run would contradict this profile.
                store.partition(table, profile.client_id).unlink(missing_ok=True)
                continue
            store.replace(table, profile.client_id, frame)
            rows[table] += len(frame)
    if params_dir is not None:
        write_client_params(profiles, params_dir)
    return _summary(profiles, rows, params_dir)


def write_client_params(profiles: list[ClientProfile], params_dir: str | os.PathLike) -> list[Path]:
    """Write ``clients/<id>.yaml`` under ``params_dir`` for each demo client; return the paths.

    Examples
    --------
    >>> import tempfile
    >>> from nps_helpers.config.params import load_client
    >>> from nps_helpers.demo.profiles import CURATED
    >>> folder = tempfile.mkdtemp()
    >>> _ = write_client_params(list(CURATED[:1]), folder)
    >>> load_client("kestrel-bank", folder).display_name
    'Kestrel Bank plc'
    """
    paths = []
    for profile in profiles:
        params = client_params(profile)
        data = params.model_dump(include={"client_id", "display_name", "industry", "language", "locale", "segments",
                                          "events", "brand_colour", "extra_notebook"}, exclude_none=True)
        text = "# Demo client written by `nps-report demo-data --params`.\n" + yaml.safe_dump(
            data, allow_unicode=True, sort_keys=False, width=100
        )
        path = Path(params_dir) / "clients" / f"{profile.client_id}.yaml"
        atomic_write_bytes(path, text.encode("utf-8"))
        paths.append(path)
    return paths


def _summary(profiles: list[ClientProfile], rows: Counter[str], params_dir) -> str:
    languages = Counter(p.language for p in profiles)
    industries = len({p.industry for p in profiles})
    last_day = (END - np.timedelta64(1, "D")).date()
    lines = [
        f"demo store: {len(profiles)} clients in {industries} industries (languages "
        + ", ".join(f"{lang} {n}" for lang, n in sorted(languages.items()))
        + f"), {START.date()} to {last_day}",
        "rows: " + ", ".join(f"{t} {rows[t]:,}" for t in ("responses", "customers", "invitations", "reviews")),
    ]
    if params_dir is not None:
        lines.append(f"params: {len(profiles)} files in {Path(params_dir) / 'clients'}")
    return "\n".join(lines)
