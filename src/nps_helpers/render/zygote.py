"""The kernel zygote's own side: the process that imports once, then forks a kernel per request.

render.kernels starts it (Zygote) and asks it for kernels; everything here runs inside the
zygote or the kernels it forks.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import Any

from ..core.files import atomic_write_bytes
from .kernels import INLINE_BACKEND, SOURCES


def zygote_main() -> None:
    """The zygote process: import, then fork one kernel per request until stdin closes.

    Run by :class:`Zygote` as ``python -c`` with the listening socket's fd and the JSON
    list of modules to import; not for direct use.
    """
    import gc
    import importlib
    import selectors

    fd, preload = int(sys.argv[1]), json.loads(sys.argv[2])
    listener = socket.socket(fileno=fd)
    folder = os.path.dirname(listener.getsockname())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the batch; we end with it
    # As ipykernel_launcher: the working directory must not shadow installed modules.
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    # As the kernel app does before any cell: set before matplotlib is first imported.
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    local = set(os.listdir(".")) if os.path.isdir(".") else set()
    for entry in preload:
        name, _, attr = entry.partition(":")
        top = name.split(".")[0]
        if top in local or f"{top}.py" in local:
            continue  # the notebook folder's own module: the kernel must import that one
        try:
            module = importlib.import_module(name)
            if attr.endswith("()"):
                getattr(module, attr[:-2])()
            elif attr and not hasattr(module, attr):
                importlib.import_module(f"{name}.{attr}")
        except Exception:  # noqa: BLE001, S112 - the kernel imports it again and reports the error
            continue
    if threading.active_count() > 1:
        # A Python thread would be missing from every child, perhaps holding a lock it needs.
        sys.exit(f"kernel zygote: an import started a thread ({threading.enumerate()[1].name}); "
                 "not forking kernels")
    _write_sources(os.path.join(folder, SOURCES))
    gc.collect()
    gc.freeze()  # imported objects stay out of the children's collections: pages stay shared
    signal.signal(signal.SIGCHLD, _reap)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(0, selectors.EVENT_READ)
    while True:
        for key, _ in selector.select():
            if key.fileobj == 0:
                if not os.read(0, 4096):
                    shutil.rmtree(folder, ignore_errors=True)
                    os._exit(0)
            else:
                _serve(listener, selector)


def _write_sources(path: str) -> None:
    """Record the modification time of every imported source file that is not part of an
    installed library or the standard library, for :meth:`Zygote.stale`."""
    import sysconfig

    paths = sysconfig.get_paths()
    installed = tuple(os.path.join(os.path.realpath(paths[k]), "") for k in ("stdlib", "platstdlib", "purelib", "platlib"))
    stamps = {}
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if not file or os.path.realpath(file).startswith(installed):
            continue
        with contextlib.suppress(OSError):
            stamps[file] = os.stat(file).st_mtime_ns
    atomic_write_bytes(Path(path), json.dumps(stamps).encode("utf-8"))


def _serve(listener: socket.socket, selector: Any) -> None:
    """Answer one request: fork, and reply with the child's pid (or an error)."""
    conn, _ = listener.accept()
    with conn:
        conn.settimeout(10)
        try:
            with conn.makefile("rb") as stream:
                request = json.loads(stream.readline())
            module, argv, env, cwd = request["module"], list(request["argv"]), dict(request["env"]), request["cwd"]
        except (OSError, ValueError, KeyError, TypeError) as err:
            with contextlib.suppress(OSError):
                conn.sendall(json.dumps({"error": f"bad request: {err}"}).encode() + b"\n")
            return
        pid = os.fork()
        if pid == 0:
            selector.close()
            listener.close()
            conn.close()
            _become_kernel(module, argv, env, cwd)
        with contextlib.suppress(OSError):
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")


def _become_kernel(module: str, argv: list[str], env: dict[str, str], cwd: str) -> None:
    """In the forked child: become ``python -m module *argv`` as jupyter_client would start it."""
    import importlib.util
    import random
    import time

    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.setsid()  # as jupyter_client's start_new_session: Ctrl-C reaches the kernel only by request
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.environ.clear()
        os.environ.update(env)
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        time.tzset()
        os.chdir(cwd)
        # Every child would otherwise draw the same "random" numbers as its siblings.
        random.seed()
        if "numpy.random" in sys.modules:
            sys.modules["numpy.random"].seed()
        spec = importlib.util.find_spec(module)
        sys.argv = [spec.origin if spec and spec.origin else module, *argv]
        from ipykernel.kernelapp import launch_new_instance

        # parent_handle: exit when the zygote goes (its default was read from the
        # environment when the zygote imported ipykernel, not from this kernel's).
        launch_new_instance(argv=[*argv, f"--IPKernelApp.parent_handle={os.getppid()}"])
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0
    except BaseException:  # noqa: BLE001 - reported on stderr, then the child exits
        import traceback

        traceback.print_exc()
    finally:
        import atexit

        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _reap(signum: int, frame: Any) -> None:
    """Collect finished kernels, so none stays a zombie and their CPU time is counted."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
