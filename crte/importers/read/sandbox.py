"""Untrusted files are read in a forked child process bounded in memory, in CPU time and in
wall-clock time: a 700-byte ODT that expands to gigabytes or a PDF whose streams never end
costs the child its life, never the worker's or the web server's. The parent waits for the
child's answer in short slices so that a cancelled or overdue job stops it at once.
Pure Python, no Django: the limits are given by the caller (settings `CRTE_READ_*`)."""

import multiprocessing
import os
import re
import resource
import signal
from collections.abc import Callable
from dataclasses import dataclass

POLL_SECONDS = 0.2
OUT_OF_MEMORY = re.compile(r"MemoryError|[Uu]nable to allocate|[Cc]annot allocate|[Oo]ut of memory")


@dataclass(frozen=True)
class Limits:
    memory_bytes: int = 1024**3  # on top of what the process already maps
    cpu_seconds: int = 120
    wall_seconds: int = 180


class ReadError(Exception):
    """A file that cannot be read; `code` names the report's category, the message is French
    and says what and how to fix it."""

    code = "illisible"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        if code:
            self.code = code


class TooCostly(ReadError):
    """The file would cost more than a limit to read."""

    code = "trop-volumineux"


class Stopped(Exception):
    """The caller asked the reading to stop (job cancelled or past its time)."""


def _child(connection, function: Callable, args: tuple, limits: Limits) -> None:
    memory = _mapped_bytes() + limits.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 2))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        connection.send(("ok", function(*args)))
    except MemoryError:
        connection.send(("memory", None))
    except ReadError as error:
        connection.send(("refused", (isinstance(error, TooCostly), error.code, str(error))))
    except Exception as error:  # the parsers' own errors travel back as text
        text = f"{type(error).__name__}: {error}"
        # Parsers wrap the memory ceiling in their own errors (zlib's « Unable to allocate »)
        connection.send(("memory", None) if OUT_OF_MEMORY.search(text) else ("error", text[:500]))
    finally:
        connection.close()


def _mapped_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def run(
    function: Callable,
    *args,
    name: str,
    limits: Limits,
    should_stop: Callable[[], bool] | None = None,
):
    """`function(*args)` in a forked child under `limits`. Returns what it returns (it must
    pickle); raises TooCostly when a limit is reached, ReadError when the function refused the
    file or failed on it, Stopped when `should_stop()` said so while waiting."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, function, args, limits), daemon=True)
    child.start()
    sender.close()
    try:
        status, payload = _wait(receiver, child, name, limits, should_stop)
    finally:
        receiver.close()
        _end(child)
    if status == "ok":
        return payload
    if status == "refused":
        costly, code, message = payload
        raise (TooCostly if costly else ReadError)(message, code)
    if status == "error":
        raise ReadError(f"Le fichier est illisible ou endommagé ({payload}).")
    raise TooCostly(_limit_message(status, name, limits))


def _wait(receiver, child, name: str, limits: Limits, should_stop) -> tuple[str, object]:
    waited = 0.0
    while waited < limits.wall_seconds:
        if should_stop is not None and should_stop():
            raise Stopped(name)
        if receiver.poll(POLL_SECONDS):
            try:
                return receiver.recv()
            except EOFError:  # the child died without a word: killed by a limit
                child.join(5)
                return _death(child.exitcode), None
        waited += POLL_SECONDS
    return "wall", None


def _death(exitcode: int | None) -> str:
    if exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
        return "cpu"
    return "memory"


def _end(child) -> None:
    child.join(0.5)
    if child.is_alive():
        child.kill()
        child.join()


def _limit_message(status: str, name: str, limits: Limits) -> str:
    advice = (
        "Enregistrez le fichier sous un format plus simple (texte, ou seulement le tableau "
        "utile) ou découpez-le en plusieurs fichiers, puis déposez-les séparément."
    )
    if status == "cpu":
        what = f"demande plus de {limits.cpu_seconds} secondes de calcul"
    elif status == "wall":
        what = f"n'est pas terminée après {limits.wall_seconds} secondes"
    else:
        what = f"demande plus de {_size(limits.memory_bytes)} de mémoire"
    return f"La lecture du fichier {what} (limite de la plateforme) ; fichier refusé. {advice}"


def _size(count: int) -> str:
    if count >= 1024**3 and count % 1024**3 == 0:
        return f"{count // 1024**3} Go"
    return f"{count // 1024**2} Mo"
