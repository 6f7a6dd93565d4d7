"""Where the project is, for notebooks run by hand (JupyterLab, papermill) from any folder.

The project folder holds ``params/`` (defaults.yaml, clients/); the store and the outputs
are named relative to it in defaults.yaml. Render always passes absolute paths; a
notebook run by hand leaves them ``None`` and they are found from the working folder, so
the same notebook runs from the repository root and from ``notebooks/``.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import NpsParamsError

LAB = "lab"
INTERNAL = "_internal"


def find_project(start: str | os.PathLike | None = None) -> Path:
    """The nearest folder, from ``start`` (default: the working folder) up, that holds
    ``params/defaults.yaml`` or ``params/clients``.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "params" / "clients").mkdir(parents=True); (root / "notebooks").mkdir()
    >>> find_project(root / "notebooks") == root
    True
    """
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        params = folder / "params"
        if (params / "defaults.yaml").is_file() or (params / "clients").is_dir():
            return folder
    raise NpsParamsError(
        f"no nps-reports project found in {here} or above (a folder holding params/): start "
        "Jupyter or papermill inside the project, or pass store, params_dir and internal_dir"
    )


def lab_internal_dir(project: str | os.PathLike, client_id: str, outputs: str = "outputs") -> Path:
    """Where a notebook run by hand writes one client's internal files (follow-up CSVs).

    Examples
    --------
    >>> lab_internal_dir("/work/nps", "acme").as_posix()
    '/work/nps/outputs/lab/_internal/acme'
    """
    return Path(project) / outputs / LAB / INTERNAL / client_id
