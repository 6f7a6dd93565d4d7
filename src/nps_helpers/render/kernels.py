"""Fresh kernels forked from a pre-loaded zygote: one new kernel per report, imports paid once.

Starting a Python kernel costs seconds, most of them importing pandas, seaborn, scipy and
the project's modules. Each process that renders reports (a pool worker, a Dask worker)
therefore starts one *zygote*: a Python process that imports what the report notebook
imports, then only waits on a unix socket in a private folder (mode 0700). For each
report, :class:`ForkProvisioner` asks it to fork a child that becomes an ordinary
ipykernel: a session of its own, the environment and working directory jupyter_client
asked for, ipc sockets in that private folder. The child serves one report and is shut
down; the next report gets a new child. The zygote never runs report code, so every
kernel starts from the same freshly imported state and nothing of one client can reach
the next (tests/test_render_kernels.py plants state in one report and looks for it in the
next).

The fallback is a kernel spawned the usual way: with ``NPS_FORK_KERNELS=0``, where ``fork``
or unix sockets are missing (not Linux), for a kernelspec that is not a Python ipykernel,
and whenever the zygote cannot serve a request. Known differences from a spawned kernel:
the kernels of one zygote share Python's string-hash salt (set at interpreter start), so
set iteration order repeats from report to report; the kernel's parent process is the
zygote (it exits when the zygote does, which exits with its worker); the warnings filters
are the same but not in the same order (none of them overlap).

A zygote lives as long as its worker process. It is replaced when the notebook's imports
differ, and when a project source file it imported (one outside the installed libraries,
such as an editable ``nps_helpers``) changed since, so a long-lived Dask worker or
JupyterLab session never renders with old code. It reaps its children itself, so their CPU
time reaches the worker's accounting.
"""
from __future__ import annotations

import ast
import asyncio
import contextlib
import itertools
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jupyter_client.provisioning import LocalProvisioner
from traitlets import List, Unicode

FORK_ENV = "NPS_FORK_KERNELS"
LAUNCHERS = ("ipykernel_launcher", "ipykernel")
# Imported by every kernel before any cell runs; the notebook's own imports come after.
# An entry 'module:function()' is called once imported (data every kernel reads: the
# lemmatiser's dictionaries are loaded once and shared by every forked kernel).
KERNEL_PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
                  "IPython.core.completerlib", "IPython.core.debugger", "IPython.display", "sqlite3",
                  "tornado.queues", "nps_helpers.analysis.text:warm_up()")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
READY_TIMEOUT = 120  # seconds a first request may wait while the zygote imports
FAILURES_BEFORE_GIVING_UP = 3
ZYGOTE_CODE = "from nps_helpers.render.zygote import zygote_main; zygote_main()"
FOLDER_PREFIX = "nps-zygote-"
SOURCES = "sources.json"  # in the zygote's folder: the project files it imported, with mtimes

log = logging.getLogger(__name__)


class ZygoteUnavailable(OSError):
    """The zygote could not fork a kernel (not started, died, or refused the request)."""


def fork_enabled() -> bool:
    """True when kernels may be forked: Linux, and ``NPS_FORK_KERNELS`` is not ``0``.

    Examples
    --------
    >>> import os
    >>> os.environ["NPS_FORK_KERNELS"] = "0"
    >>> fork_enabled()
    False
    >>> del os.environ["NPS_FORK_KERNELS"]
    """
    return (
        os.environ.get(FORK_ENV, "1").strip().lower() not in ("0", "false", "no", "off")
        and sys.platform.startswith("linux")
        and hasattr(os, "fork")
        and hasattr(socket, "AF_UNIX")
    )


def notebook_imports(nb: Any) -> tuple[str, ...]:
    """What a notebook's code cells import, as ``module`` or ``module:name`` entries.

    ``import a.b as x`` gives ``a.b`` and, for each ``x.attr`` the cells use, ``a.b:attr``
    (so a package that loads its names lazily gets them loaded too); ``from a import b``
    gives ``a:b``. Relative imports and cells that are not plain Python (magics) are
    skipped. The zygote imports these entries, in order, before it forks kernels.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> nb = new_notebook(cells=[new_code_cell("import numpy as np\\nimport nps_helpers as nh"),
    ...     new_code_cell("from nps_helpers.present import plots\\nnh.nps([9, 3])"),
    ...     new_code_cell("%matplotlib inline")])
    >>> notebook_imports(nb)
    ('numpy', 'nps_helpers', 'nps_helpers.present', 'nps_helpers.present:plots', 'nps_helpers:nps')
    """
    found: dict[str, None] = {}
    aliases: dict[str, str] = {}
    trees = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        try:
            trees.append(ast.parse(source if isinstance(source, str) else "".join(source)))
        except (SyntaxError, ValueError):
            continue
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found[alias.name] = None
                    # `import a.b` binds `a`; `import a.b as x` binds `x` to `a.b`
                    module = alias.name if alias.asname else alias.name.split(".")[0]
                    aliases[alias.asname or module] = module
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found[node.module] = None
                found.update({f"{node.module}:{a.name}": None for a in node.names if a.name != "*"})
    for tree in trees:
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases):
                found[f"{aliases[node.value.id]}:{node.attr}"] = None
    return tuple(found)


class ForkProvisioner(LocalProvisioner):
    """A LocalProvisioner whose kernels are forked from this process's zygote.

    :func:`kernel_manager` sets it on a kernel manager before the kernel starts. When the
    zygote cannot serve, it spawns the kernel as LocalProvisioner does.
    """

    preload = List(Unicode(), help="Modules (module or module:name) the zygote imports.")

    _zygote: Zygote | None = None

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        """Find (or start) the zygote, and put the kernel's ipc sockets in its folder."""
        python = _python_command(self.kernel_spec.argv)
        self._zygote = None
        if python is not None:
            env = {**os.environ, **(self.kernel_spec.env or {})}
            try:
                self._zygote = _zygote_for(python, cwd=kwargs.get("cwd"), preload=self.preload, env=env)
            except OSError as err:
                log.warning("kernel zygote not started (%s); spawning kernels instead", err)
        if self._zygote is not None:
            assert self.parent is not None, "a provisioner is always made by its kernel manager"
            self.parent.transport = "ipc"
            self.parent.ip = self._zygote.ipc_prefix()
        return await super().pre_launch(**kwargs)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        """Fork the kernel from the zygote; spawn it when the zygote cannot."""
        split = split_command(cmd)
        if self._zygote is not None and split is not None:
            _, module, args = split
            try:
                pid = await self._zygote.fork(module, args, env=kwargs.get("env") or dict(os.environ),
                                              cwd=str(kwargs.get("cwd") or os.getcwd()))
            except ZygoteUnavailable as err:
                _note_failure(self._zygote, err)
            else:
                zygote_state["failures"] = 0
                # jupyter_client types it as Popen; it calls only what ForkedKernel has too.
                self.process = ForkedKernel(pid)  # type: ignore[assignment]
                self.pid = self.pgid = pid  # the child called setsid: it leads its own group
                self.cwd = kwargs.get("cwd") or os.getcwd()
                return self.connection_info
        return await super().launch_kernel(cmd, **kwargs)

    async def cleanup(self, restart: bool = False) -> None:
        """Release the kernel's process handle, then what LocalProvisioner releases."""
        if isinstance(self.process, ForkedKernel):
            self.process.close()
        await super().cleanup(restart=restart)
        zygote = self._zygote
        if zygote is not None and not zygote.alive() and zygote_state["zygote"] is not zygote:
            shutil.rmtree(zygote.folder, ignore_errors=True)  # kept for this kernel's sockets


class ForkedKernel:
    """The handle of a forked kernel: what jupyter_client uses of a ``Popen`` object.

    The kernel is the zygote's child, not ours, so it is watched through a pidfd (or, on
    older kernels, by signalling pid 0) and its exit status is not known (0 once gone).

    Examples
    --------
    >>> import os, subprocess
    >>> child = subprocess.Popen(["sleep", "30"])
    >>> handle = ForkedKernel(child.pid)
    >>> handle.poll() is None
    True
    >>> handle.kill(); _ = child.wait(); handle.wait(timeout=5)
    0
    >>> handle.close()
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self._fd = None

    def poll(self) -> int | None:
        """None while the kernel runs, 0 once it is gone."""
        if self._fd is not None:
            import select

            ready, _, _ = select.select([self._fd], [], [], 0)
            return 0 if ready else None
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return 0
        return None

    def wait(self, timeout: float | None = None) -> int:
        """Wait until the kernel is gone; raise ``subprocess.TimeoutExpired`` after ``timeout``."""
        import time

        start = time.monotonic()
        while self.poll() is None:
            if timeout is not None and time.monotonic() - start > timeout:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.02)
        return 0

    def send_signal(self, signum: int) -> None:
        """Signal the kernel (nothing when it is already gone)."""
        with contextlib.suppress(ProcessLookupError):
            if self._fd is not None:
                signal.pidfd_send_signal(self._fd, signum)
            else:
                os.kill(self.pid, signum)

    def kill(self) -> None:
        """SIGKILL the kernel."""
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """SIGTERM the kernel."""
        self.send_signal(signal.SIGTERM)

    def close(self) -> None:
        """Close the pidfd."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def kernel_manager(kernel_name: str, *, preload: Sequence[str] = ()) -> Any:
    """A kernel manager (not started) whose kernel will be forked from the zygote, or None.

    None means "spawn the usual way": forking is off (:func:`fork_enabled`), the
    kernelspec is missing or is not a Python ipykernel, or the zygote failed repeatedly
    in this process. ``preload`` is what the zygote imports (:func:`notebook_imports`).

    Examples
    --------
    >>> import os
    >>> os.environ["NPS_FORK_KERNELS"] = "0"
    >>> kernel_manager("python3") is None
    True
    >>> del os.environ["NPS_FORK_KERNELS"]
    """
    if not fork_enabled() or zygote_state["failures"] >= FAILURES_BEFORE_GIVING_UP:
        return None
    from jupyter_client.kernelspec import NoSuchKernel
    from jupyter_client.manager import AsyncKernelManager

    km = AsyncKernelManager(kernel_name=kernel_name)
    try:
        spec = km.kernel_spec
    except NoSuchKernel:
        return None
    if spec is None or _python_command(spec.argv) is None:
        return None
    km.kernel_id = kernel_id = str(uuid.uuid4())
    km.provisioner = ForkProvisioner(kernel_id=kernel_id, kernel_spec=spec, parent=km,
                                     preload=[*KERNEL_PRELOAD, *preload])
    return km


def shutdown() -> None:
    """Stop this process's zygote (kernels it forked exit with it).

    Examples
    --------
    >>> shutdown()
    """
    with _lock:
        zygote, zygote_state["zygote"] = zygote_state["zygote"], None
    if zygote is not None:
        zygote.close()


class Zygote:
    """Handle of a running zygote process: its private folder, socket and lifeline.

    The listening socket is bound here and handed to the zygote, so a request made while
    it still imports simply waits in the socket's backlog. The zygote's stdin is a pipe
    nobody writes to: when this process ends, for any reason, the zygote reads EOF, removes
    its folder and exits.
    """

    def __init__(self, key: tuple, python: Sequence[str], *, cwd: str | None, preload: Sequence[str],
                 env: Mapping[str, str]):
        self.key = key
        self.folder = tempfile.mkdtemp(prefix=FOLDER_PREFIX)  # mode 0700: only we may connect
        self.address = os.path.join(self.folder, "zygote.sock")
        self._count = itertools.count(1)
        self._sources: dict[str, int] | None = None
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(self.address)
            listener.listen(16)
            self.process = subprocess.Popen(
                [*python, "-c", ZYGOTE_CODE, str(listener.fileno()), json.dumps(list(preload))],
                stdin=subprocess.PIPE, cwd=cwd or None, env=dict(env), pass_fds=(listener.fileno(),),
            )
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        finally:
            listener.close()
        with open(os.path.join(self.folder, "pid"), "w", encoding="ascii") as f:
            f.write(str(self.process.pid))

    def ipc_prefix(self) -> str:
        """A fresh path prefix for one kernel's ipc sockets, inside the private folder."""
        return os.path.join(self.folder, f"k{next(self._count)}")

    def alive(self) -> bool:
        """True while the zygote process runs."""
        return self.process.poll() is None

    def stale(self) -> bool:
        """True when a source file the zygote imported from outside the installed libraries
        (e.g. an editable ``nps_helpers``) changed since: a long-lived worker (a Dask worker,
        a JupyterLab session) must not fork kernels that hold the old code."""
        if self._sources is None:
            try:
                with open(os.path.join(self.folder, SOURCES), encoding="utf-8") as f:
                    self._sources = json.load(f)
            except (OSError, ValueError):
                return False  # still importing: it will read the files as they are now
        for path, stamp in self._sources.items():
            try:
                if os.stat(path).st_mtime_ns != stamp:
                    return True
            except OSError:
                return True
        return False

    async def fork(self, module: str, args: Sequence[str], *, env: Mapping[str, str], cwd: str) -> int:
        """Ask for a kernel (``python -m module *args``); its pid. Raises :class:`ZygoteUnavailable`."""
        request = json.dumps({"module": module, "argv": list(args), "env": dict(env), "cwd": cwd})
        try:
            reader, writer = await asyncio.open_unix_connection(self.address)
            try:
                writer.write(request.encode() + b"\n")
                await writer.drain()
                line = await asyncio.wait_for(reader.readline(), READY_TIMEOUT)
            finally:
                writer.close()
        except (TimeoutError, OSError) as err:
            raise ZygoteUnavailable(f"no answer from the kernel zygote ({type(err).__name__})") from None
        try:
            reply = json.loads(line)
            return int(reply["pid"])
        except (ValueError, KeyError, TypeError):
            raise ZygoteUnavailable(f"the kernel zygote refused: {line[:200]!r}") from None

    def close(self, *, remove_folder: bool = True) -> None:
        """End the zygote and remove its folder, or kill it and keep the folder (a spawned
        kernel may still use its ipc sockets there)."""
        if not remove_folder:
            self.process.kill()
            self.process.wait()
            return
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


# --------------------------------------------------------------------- inside the zygote


# ------------------------------------------------------------------------ bookkeeping

_lock = threading.Lock()
# This process's zygote, how many forks failed in a row, and whether leftovers were swept.
zygote_state: dict[str, Any] = {"zygote": None, "failures": 0, "swept": False}


def _zygote_for(python: Sequence[str], *, cwd: Any, preload: Iterable[str], env: Mapping[str, str]) -> Zygote:
    """This process's zygote for these settings; a zygote for other settings is replaced,
    and so is one that imported project code edited since (see :meth:`Zygote.stale`)."""
    key = (tuple(python), os.path.abspath(cwd) if cwd else None, tuple(preload))
    with _lock:
        old = zygote_state["zygote"]
        if old is not None and old.key == key and old.alive() and not old.stale():
            return old
        if not zygote_state["swept"]:
            zygote_state["swept"] = True
            sweep_leftovers()
        zygote_state["zygote"] = new = Zygote(key, python, cwd=key[1], preload=key[2], env=env)
    if old is not None:
        old.close()
    return new


def sweep_leftovers() -> None:
    """Remove the folders of zygotes killed before they could remove them (SIGKILL).

    Examples
    --------
    >>> sweep_leftovers()  # nothing to report; a live zygote's folder is kept
    """
    import glob

    for folder in glob.glob(os.path.join(tempfile.gettempdir(), FOLDER_PREFIX + "*")):
        try:
            with open(os.path.join(folder, "pid"), encoding="ascii") as f:
                os.kill(int(f.read()), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (OSError, ValueError):
            continue  # another user's, still starting, or alive


def _note_failure(zygote: Zygote, err: Exception) -> None:
    zygote_state["failures"] += 1
    log.warning("kernel zygote failed (%s); spawning this kernel instead", err)
    with _lock:
        if zygote_state["zygote"] is zygote:
            zygote_state["zygote"] = None
    zygote.close(remove_folder=False)  # the fallback kernel's ipc sockets go there


def _python_command(argv: Sequence[str]) -> list[str] | None:
    """The interpreter part of an ipykernel kernelspec's argv (before ``-m``), else None."""
    split = split_command(argv)
    return None if split is None else split[0]


def split_command(argv: Sequence[str]) -> tuple[list[str], str, list[str]] | None:
    """``[python, *flags, -m, launcher, *args]`` as (python command, launcher, args); else None.

    Examples
    --------
    >>> split_command(["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "k.json"])
    (['/usr/bin/python3'], 'ipykernel_launcher', ['-f', 'k.json'])
    >>> split_command(["node", "kernel.js"]) is None
    True
    """
    argv = list(argv)
    if "-m" not in argv:
        return None
    i = argv.index("-m")
    if i == 0 or i + 1 >= len(argv) or argv[i + 1] not in LAUNCHERS:
        return None
    python = argv[:i]
    if os.path.basename(python[0]) in {"python", f"python{sys.version_info[0]}",
                                       "python{}.{}".format(*sys.version_info[:2])} and "/" not in python[0]:
        python[0] = sys.executable  # as jupyter_client's format_kernel_cmd
    return python, argv[i + 1], argv[i + 2:]
