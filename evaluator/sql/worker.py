"""The SQL worker: a separate process that runs untrusted SQL, and the client that drives it.

Why a process: DuckDB's ``memory_limit`` covers its buffer manager, not every allocation (a
scalar ``repeat('x', 3000000000)`` allocates gigabytes directly), and its interrupt is checked
only between vectors, so one query could take the app's process past the machine's memory or
keep it busy for minutes. The worker runs under a hard address-space limit (RLIMIT_AS,
``MOCKLOOP_SQL_MEMORY_MB``, default 1536), so such an allocation fails in milliseconds, and
the client kills the worker when a run outlives its time limit plus a grace
(``MOCKLOOP_SQL_KILL_GRACE_S``, default 1.5 s). DuckDB's own limits (``engine.py``) stay the
first line; these are the backstop. The app's process never imports DuckDB.

One worker per app process: started on first use, reused (each dataset is built once in it,
from its seed), serving one run at a time, and replaced after a kill or a crash. The app's own
memory is untouched by whatever a query does.

Protocol, one JSON object per line (JSON rather than pickle: the worker's output is data, it
can never make the app run code). The client sends ``{"id", "op": "run", "sql", "dataset",
"shape", "limits"}``; the worker answers ``{"id", "need_rows": true}`` if it does not know the
dataset (the client resends it with ``"tables"``), then ``{"id", "ack": true}`` as the query
starts (time limits count from here, so a worker start or a dataset build is not charged to
the query), then ``{"id", "outcome": {...}}``. Values JSON lacks (dates, decimals, intervals,
blobs, maps) travel as ``{"$": tag, "v": ...}``.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from evaluator.sql.datasets import Dataset, dataset_shape
from evaluator.sql.sandbox import Limits, Outcome

MEMORY_ENV = "MOCKLOOP_SQL_MEMORY_MB"
GRACE_ENV = "MOCKLOOP_SQL_KILL_GRACE_S"
# Measured: the worker maps ~550 MB of address space once DuckDB, pyarrow and every dataset are
# loaded and the references have run (with Arrow's system allocator and two malloc arenas, set
# below); a run adds at most DuckDB's memory_limit (256 MB; 512 MB for the trusted references).
# 1536 MB leaves ~700 MB for everything else and keeps one query far from the machine's RAM.
DEFAULT_MEMORY_MB = 1536
MIN_MEMORY_MB = 768  # all references still pass at 768; below it DuckDB + datasets leave no room for queries
DEFAULT_KILL_GRACE_S = 1.5
START_TIMEOUT_S = 60.0  # worker start plus a dataset build: trusted work, so generous
MAX_REPLY_BYTES = 16 * 2**20  # the worker refuses to send a larger result
_READ_CAP = 2 * MAX_REPLY_BYTES  # and the app never buffers more than this from it

_WORKER_ENV = {
    # Arrow's default jemalloc/mimalloc pools reserve ~1 GB of address space up front, and each
    # glibc malloc arena reserves 64 MB: both would count against RLIMIT_AS without being used.
    "ARROW_DEFAULT_MEMORY_POOL": "system",
    "MALLOC_ARENA_MAX": "2",
}
# The worker's environment: what Python, locales and time zones need, nothing else (API keys and
# other secrets of the app stay out of the process that runs untrusted SQL).
_KEEP_ENV = ("PATH", "HOME", "TMPDIR", "TZ", "LANG", "SYSTEMROOT", "VIRTUAL_ENV")
_KEEP_ENV_PREFIXES = ("PYTHON", "LC_", "MOCKLOOP_SQL_")
_BOOT = "import sys; sys.path.insert(0, sys.argv[1]); from evaluator.sql.worker import main; main()"


class WorkerFailed(RuntimeError):
    """The worker could not start or broke the protocol: an installation problem, not the query's."""


def _worker_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in _KEEP_ENV or k.startswith(_KEEP_ENV_PREFIXES)}
    return {**env, **_WORKER_ENV}


def memory_limit_mb() -> int:
    """The worker's address-space limit in MiB, from ``MOCKLOOP_SQL_MEMORY_MB``."""
    raw = os.environ.get(MEMORY_ENV, "").strip()
    if not raw:
        return DEFAULT_MEMORY_MB
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{MEMORY_ENV} must be a whole number of MiB, not {raw!r}") from None
    if value < MIN_MEMORY_MB:
        raise ValueError(f"{MEMORY_ENV}={value} is too small: the SQL worker needs at least {MIN_MEMORY_MB} MiB")
    return value


def kill_grace_s() -> float:
    """Seconds a run may outlive its time limit before the worker is killed (``MOCKLOOP_SQL_KILL_GRACE_S``)."""
    raw = os.environ.get(GRACE_ENV, "").strip()
    if not raw:
        return DEFAULT_KILL_GRACE_S
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{GRACE_ENV} must be a number of seconds, not {raw!r}") from None
    return max(0.05, value)


# --------------------------------------------------------------------------- values on the wire


def encode_value(value: Any) -> Any:
    """A JSON-ready form of one result value; ``decode_tag`` restores it."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is float or kind is bool:
        return value
    if isinstance(value, list | tuple):
        return [encode_value(v) for v in value]
    if isinstance(value, dict):
        return {"$": "map", "v": [[encode_value(k), encode_value(v)] for k, v in value.items()]}
    if isinstance(value, Decimal):
        return {"$": "dec", "v": str(value)}
    if isinstance(value, datetime):  # before date: a datetime is a date
        return {"$": "dt", "v": value.isoformat()}
    if isinstance(value, date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, dtime):
        return {"$": "time", "v": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$": "td", "v": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$": "bytes", "v": bytes(value).hex()}
    if isinstance(value, UUID):
        return {"$": "uuid", "v": str(value)}
    for plain in (bool, int, float, str):  # subclasses (enums and the like) as the plain value
        if isinstance(value, plain):
            return plain(value)
    return str(value)


def decode_tag(obj: dict[str, Any]) -> Any:
    """``json.loads`` object hook: a tagged value back to its Python type; other objects as they are."""
    tag = obj.get("$")
    if tag is None or len(obj) != 2 or "v" not in obj:
        return obj
    v = obj["v"]
    if tag == "map":
        return {_hashable(k): x for k, x in v}
    if tag == "dec":
        return Decimal(v)
    if tag == "dt":
        return datetime.fromisoformat(v)
    if tag == "date":
        return date.fromisoformat(v)
    if tag == "time":
        return dtime.fromisoformat(v)
    if tag == "td":
        return timedelta(days=v[0], seconds=v[1], microseconds=v[2])
    if tag == "bytes":
        return bytes.fromhex(v)
    if tag == "uuid":
        return UUID(v)
    return obj


def _hashable(key: Any) -> Any:
    if isinstance(key, list):
        return tuple(_hashable(k) for k in key)
    if isinstance(key, dict):
        return tuple(sorted((str(k), _hashable(v)) for k, v in key.items()))
    return key


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode() + b"\n"


def _loads(line: bytes) -> dict[str, Any]:
    obj = json.loads(line, object_hook=decode_tag)
    if not isinstance(obj, dict):
        raise ValueError("not a message")
    return obj


# --------------------------------------------------------------------------- the app's side


class _NotStarted(Exception):
    """The run failed before the query started (worker start, dataset, protocol)."""


class _Oversize(Exception):
    """The worker sent more than the app will buffer."""


class _Process:
    """One worker process and the app's end of its pipes (non-blocking, deadline-bound)."""

    def __init__(self) -> None:
        self.memory_mb = memory_limit_mb()
        root = str(Path(__file__).resolve().parents[2])  # the directory holding the evaluator package
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _BOOT, root, str(self.memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=_worker_env(),
            close_fds=True,
            start_new_session=True,  # Ctrl-C in a terminal reaches the app, which then closes the worker
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.owner = os.getpid()
        self._in = self.proc.stdin.fileno()
        self._out = self.proc.stdout.fileno()
        os.set_blocking(self._in, False)
        os.set_blocking(self._out, False)
        self._buf = bytearray()
        self._ids = 0

    @property
    def pid(self) -> int:
        return self.proc.pid

    def usable(self) -> bool:
        return self.owner == os.getpid() and self.proc.poll() is None

    def next_id(self) -> int:
        self._ids += 1
        return self._ids

    def send(self, message: dict[str, Any], deadline: float) -> None:
        data = memoryview(_dumps(message))
        while data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the SQL worker did not read its request in time")
            if not _ready(self._in, select.POLLOUT, remaining):
                continue
            try:
                data = data[os.write(self._in, data) :]
            except BlockingIOError:
                continue

    def recv(self, deadline: float) -> dict[str, Any]:
        while True:
            newline = self._buf.find(b"\n")
            if newline >= 0:
                line = bytes(self._buf[:newline])
                del self._buf[: newline + 1]
                return _loads(line)
            if len(self._buf) > _READ_CAP:
                raise _Oversize()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no answer from the SQL worker in time")
            if not _ready(self._out, select.POLLIN, remaining):
                continue
            try:
                chunk = os.read(self._out, 1 << 20)
            except BlockingIOError:
                continue
            if not chunk:
                raise EOFError("the SQL worker exited")
            self._buf += chunk

    def kill(self) -> str:
        """Kill the worker (if not already dead) and describe how it ended."""
        if self.owner != os.getpid():
            return "not ours"  # inherited through fork: the parent process still owns it
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.wait(timeout=5)
        self._close_pipes()
        return _describe_exit(self.proc.returncode)

    def close(self) -> None:
        """Ask the worker to exit (end of input), then make sure it did."""
        if self.owner != os.getpid():
            return
        self._close_pipes()
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()

    def _close_pipes(self) -> None:
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                if pipe is not None:
                    pipe.close()


def _ready(fd: int, event: int, timeout_s: float) -> bool:
    """Wait until ``fd`` is ready (or hung up); poll, not select, so a large fd number is fine."""
    poller = select.poll()
    poller.register(fd, event)
    return bool(poller.poll(max(1, int(timeout_s * 1000))))


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
        return f"killed by signal {-code}"
    return f"exit status {code}"


_lock = threading.Lock()
_current: _Process | None = None
_atexit_registered = False


def _worker() -> _Process:
    """The live worker, started if there is none (caller holds ``_lock``)."""
    global _current, _atexit_registered
    if _current is not None and not _current.usable():
        _current.kill()
        _current = None
    if _current is None:
        _current = _Process()
        if not _atexit_registered:
            atexit.register(_at_exit)
            _atexit_registered = True
    return _current


def _discard(worker: _Process) -> str:
    """Kill a worker and forget it; returns how it ended."""
    global _current
    how = worker.kill()
    if _current is worker:
        _current = None
    return how


def _replace(worker: _Process) -> str:
    """Kill a worker that misbehaved and start its successor now, so it warms up in the background."""
    how = _discard(worker)
    with contextlib.suppress(Exception):  # a start failure is reported by the next run
        _worker()
    return how


def prestart() -> None:
    """Start the worker now if it is not running, without waiting for it (it warms up meanwhile)."""
    if _lock.acquire(blocking=False):
        try:
            _worker()
        except Exception:  # reported, with its cause, by the first run
            pass
        finally:
            _lock.release()


def shutdown() -> None:
    """Stop the worker (the next run starts a new one)."""
    global _current
    with _lock:
        if _current is not None:
            _current.close()
            _current = None


def _at_exit() -> None:
    """On interpreter exit: stop the worker even if a thread is still waiting on a run."""
    got = _lock.acquire(timeout=1.0)
    try:
        if _current is not None and got:
            _current.close()
        elif _current is not None:
            _current.kill()
    finally:
        if got:
            _lock.release()


def worker_pid() -> int | None:
    """The running worker's process id, if there is one (for tests and diagnostics)."""
    with _lock:
        return _current.pid if _current is not None and _current.usable() else None


def _after_fork_in_child() -> None:
    global _lock, _current
    _lock = threading.Lock()
    _current = None  # the parent's worker is not this process's to use or kill


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def execute(sql: str, dataset: Dataset, limits: Limits) -> Outcome:
    """Run one gated query on one dataset in the worker; never raises for what the query does.

    A run that outlives ``limits.timeout_s`` plus the grace is killed ("timeout"); a worker that
    dies during a run (its address-space limit, or the kernel's OOM killer) gives "resources".
    Either way a fresh worker is started for the next run. Raises ``WorkerFailed`` only if no
    worker can be started (twice in a row).
    """
    with _lock:
        for attempt in (1, 2):
            try:
                worker = _worker()
            except OSError as exc:  # cannot even spawn (no processes or memory left)
                raise WorkerFailed(f"the SQL worker could not be started: {exc}") from exc
            try:
                return _run(worker, sql, dataset, limits)
            except _NotStarted as exc:
                how = _discard(worker)
                if attempt == 2:
                    raise WorkerFailed(
                        f"the SQL worker could not run a query ({exc}; worker {how}); "
                        f"see its error output; {MEMORY_ENV}={worker.memory_mb}"
                    ) from exc
    raise AssertionError("unreachable")


def _run(worker: _Process, sql: str, dataset: Dataset, limits: Limits) -> Outcome:
    rid = worker.next_id()
    request: dict[str, Any] = {
        "id": rid,
        "op": "run",
        "sql": sql,
        "dataset": dataset.key,
        "shape": dataset_shape(dataset),
        "limits": dataclasses.asdict(limits),
    }
    start_deadline = time.monotonic() + START_TIMEOUT_S
    try:
        worker.send(request, start_deadline)
        reply = worker.recv(start_deadline)
        if reply.get("id") == rid and reply.get("need_rows"):
            worker.send({**request, **_inline(dataset)}, start_deadline)
            reply = worker.recv(start_deadline)
        if reply.get("id") != rid or not reply.get("ack"):
            raise _NotStarted(f"unexpected reply {str(reply)[:200]}")
    except (OSError, EOFError, TimeoutError, ValueError, _Oversize) as exc:
        raise _NotStarted(str(exc) or type(exc).__name__) from exc
    try:
        reply = worker.recv(time.monotonic() + limits.timeout_s + kill_grace_s())
    except TimeoutError:
        how = _replace(worker)
        return Outcome(
            "timeout",
            error=f"Stopped: the query ran longer than {limits.timeout_s:g} s.",
            detail=f"The SQL engine did not stop at its time limit and was stopped ({how}).",
        )
    except RecursionError:  # the line was read whole: the worker is fine
        return Outcome("runtime", error=_TOO_DEEP)
    except _Oversize:
        how = _replace(worker)
        return Outcome("resources", error=_too_large(), detail=f"The SQL engine was stopped ({how}).")
    except (EOFError, OSError, ValueError):
        # The worker died mid-query: its address-space limit turned into a crash, or the kernel
        # killed it. Either way the query took more memory than it may have.
        how = _replace(worker)
        return Outcome(
            "resources",
            error=f"Stopped: the query used more memory than allowed ({limits.memory_limit}).",
            detail=f"The SQL engine ran out of memory and was restarted ({how}).",
        )
    payload = reply.get("outcome")
    if reply.get("id") != rid or not isinstance(payload, dict):
        how = _replace(worker)
        raise WorkerFailed(f"the SQL worker broke the protocol ({str(reply)[:200]}; worker {how})")
    return Outcome(
        payload["kind"],
        columns=list(payload["columns"]),
        rows=[tuple(r) for r in payload["rows"]],
        truncated=bool(payload["truncated"]),
        error=payload["error"],
        detail=payload["detail"],
        elapsed_ms=float(payload["elapsed_ms"]),
    )


def _inline(dataset: Dataset) -> dict[str, Any]:
    """A dataset the worker cannot rebuild by key, sent as rows (only ad-hoc datasets need this)."""
    return {
        "label": dataset.label,
        "hidden": dataset.hidden,
        "tags": sorted(dataset.tags),
        "tables": {t: [[encode_value(v) for v in row] for row in rows] for t, rows in dataset.tables.items()},
    }


_TOO_DEEP = "The result could not be read: its values are nested too deeply."


def _too_large() -> str:
    return f"Stopped: the result is larger than {MAX_REPLY_BYTES // 2**20} MB; return fewer rows or shorter values."


# --------------------------------------------------------------------------- the worker's side


def main() -> None:
    """Worker entry point: serve requests from stdin until it closes."""
    protocol = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the protocol
    sys.stdout = sys.stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    memory_mb = int(sys.argv[2]) if len(sys.argv) > 2 else memory_limit_mb()
    _limit_resources(memory_mb)
    _exit_with_parent(os.getppid())

    from evaluator.sql import engine
    from evaluator.sql.datasets import sample_dataset

    sample_dataset().arrow()  # every verdict starts with the sample: build it while the app builds its own

    def reply(message: dict[str, Any]) -> None:
        protocol.write(_dumps(message))
        protocol.flush()

    for line in sys.stdin.buffer:
        request = _loads(line)
        rid = request.get("id")
        if request.get("op") != "run":
            reply({"id": rid, "error": f"unknown op {request.get('op')!r}"})
            continue
        dataset = _resolve(request)
        if dataset is None:
            reply({"id": rid, "need_rows": True})
            continue
        limits = Limits(**request["limits"])
        reply({"id": rid, "ack": True})
        outcome = engine.run_in_process(request["sql"], dataset, limits)
        try:
            message = _dumps({"id": rid, "outcome": _outcome_payload(outcome)})
            if len(message) > MAX_REPLY_BYTES:
                message = _dumps({"id": rid, "outcome": _outcome_payload(Outcome("resources", error=_too_large()))})
        except MemoryError:
            message = _dumps({"id": rid, "outcome": _outcome_payload(Outcome("resources", error=_too_large()))})
        except RecursionError:
            message = _dumps({"id": rid, "outcome": _outcome_payload(Outcome("runtime", error=_TOO_DEEP))})
        del outcome
        protocol.write(message)
        protocol.flush()


def _resolve(request: dict[str, Any]) -> Dataset | None:
    """The dataset by key (built once, from its seed), or from rows the client sent."""
    from evaluator.sql.datasets import registered_dataset

    key = request["dataset"]
    if "tables" in request:
        return _SentDataset(
            key=key,
            label=request["label"],
            tables={t: [tuple(r) for r in rows] for t, rows in request["tables"].items()},
            hidden=request["hidden"],
            tags=frozenset(request["tags"]),
        )
    dataset = registered_dataset(key)
    if dataset is None or dataset_shape(dataset) != request["shape"]:
        return None
    return dataset


class _SentDataset(Dataset):
    """A dataset received as rows: converted to Arrow per run, never kept in the per-process cache."""

    def arrow(self) -> dict[str, Any]:
        from evaluator.sql.datasets import _arrow_tables

        return _arrow_tables.__wrapped__(self)


def _outcome_payload(outcome: Outcome) -> dict[str, Any]:
    return {
        "kind": outcome.kind,
        "columns": [str(c) for c in outcome.columns],
        "rows": [[encode_value(v) for v in row] for row in outcome.rows],
        "truncated": outcome.truncated,
        "error": outcome.error,
        "detail": outcome.detail,
        "elapsed_ms": outcome.elapsed_ms,
    }


def _limit_resources(memory_mb: int) -> None:
    """Hard address-space cap (an allocation past it fails instead of growing) and no core dumps."""
    try:
        import resource
    except ImportError:  # not POSIX: only the deadline kill protects the app
        return
    limit = memory_mb * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError) as exc:  # e.g. a platform without RLIMIT_AS support
        print(f"mockloop SQL worker: no address-space limit ({exc}); only the deadline applies", file=sys.stderr)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _exit_with_parent(parent: int) -> None:
    """Exit if the app goes away, even in the middle of a query that ignores interrupts."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


if __name__ == "__main__":
    main()
