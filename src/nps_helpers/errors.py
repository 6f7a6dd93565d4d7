"""The package's exceptions: one root, and messages a user can act on."""
from __future__ import annotations


class NpsError(Exception):
    """Base of every error this package raises on purpose."""


class NpsInputError(NpsError):
    """An input file or value that cannot be used; says where and how to fix it."""


class NpsParamsError(NpsError):
    """A params file (YAML) that does not fit the model; names the file and the key."""


class NpsStoreError(NpsError):
    """The store is missing, unreadable or holds nothing for the client asked for."""


class NpsRenderError(NpsError):
    """A report could not be rendered; names the client, the notebook cell and the cause."""
