"""Worker processes for the corpus runner, under the runner's control.

Why not ``concurrent.futures``: on Ctrl-C its pool ran every queued call before returning, and its
workers outlived a killed parent (they wait on a queue whose other end their siblings hold open).
Here each worker takes one item at a time over its own pipe, so the runner always knows which item
each worker holds: a worker that dies fails that item alone, and stopping is one signal per worker.

- Workers ignore SIGINT: Ctrl-C reaches the whole process group, and the runner decides what stops.
- SIGTERM ends a worker through SystemExit, so a write in progress removes its temporary file.
- A worker whose parent is gone (killed outright) sends itself SIGTERM: it checks every
  ``PARENT_CHECK_SECONDS``.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterable, Iterator

PARENT_CHECK_SECONDS = 0.2
STOP_GRACE_SECONDS = 3.0  # after SIGTERM, before SIGKILL (a worker deep in one C call may need it)
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class _Died:
    """The outcome of an item whose worker process died before sending a result."""

    def __repr__(self) -> str:
        return "DIED"


DIED = _Died()


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    item: Any = None  # the item it is working on, None when idle


def _context() -> multiprocessing.context.BaseContext:
    # fork: workers start at once and share the compiled rules already cached; the parent's pid is
    # their parent pid either way, which the parent check relies on
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _watch_parent(parent_pid: int) -> None:
    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_CHECK_SECONDS)
        if hasattr(signal, "pthread_kill"):
            # to the main thread: a signal it receives interrupts the read it may be blocked in
            signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)
        else:  # pragma: no cover - Windows, where this ends the process outright
            os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-check", daemon=True).start()


def _serve(conn: Connection, parent_end: Connection, parent_pid: int, func: Callable, args: tuple) -> None:
    """A worker's life: take an item, send back ``func(item, *args)``, until told to stop."""
    parent_end.close()  # the parent's end of this pipe, inherited by fork
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)  # blocked by the parent around start
    _watch_parent(parent_pid)
    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        if item is None:
            return
        conn.send(func(item, *args))


def _start(ctx: multiprocessing.context.BaseContext, workers: list[_Worker], func: Callable, args: tuple) -> None:
    parent_end, child_end = ctx.Pipe()
    process = ctx.Process(target=_serve, args=(child_end, parent_end, os.getpid(), func, args),
                          name="pipeline-worker", daemon=True)
    for stream in (sys.stdout, sys.stderr):  # a forked child would flush a copy of what is buffered
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    # the child starts with Ctrl-C and SIGTERM blocked, until it has its own handlers for them
    masked = hasattr(signal, "pthread_sigmask")
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS) if masked else None
    try:
        process.start()
        workers.append(_Worker(process, parent_end))
    finally:
        child_end.close()
        if masked:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _retire(worker: _Worker, workers: list[_Worker]) -> None:
    workers.remove(worker)
    worker.process.join(timeout=STOP_GRACE_SECONDS)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join()
    worker.conn.close()


def run_in_workers(items: Iterable, jobs: int, func: Callable, args: tuple = (),
                   stopped: Callable[[Any, Any], None] | None = None) -> Iterator[tuple[Any, Any]]:
    """``(item, func(item, *args))`` for every item, computed in ``jobs`` worker processes, in the
    order they finish; the result is ``DIED`` when the worker died on that item (another worker
    takes the next items). ``func`` must not raise.

    When the caller stops early (Ctrl-C, an exception, closing this generator), the workers are
    stopped at once: SIGTERM, then SIGKILL for those still running after ``STOP_GRACE_SECONDS``.
    ``stopped(item, outcome)`` is then called for every item that was in progress: ``outcome`` is
    its result when the worker had sent it already, else ``DIED``.
    """
    ctx = _context()
    pending = deque(items)
    workers: list[_Worker] = []
    finished = False
    try:
        while pending or any(w.item is not None for w in workers):
            while pending and len(workers) < jobs:
                _start(ctx, workers, func, args)
            for worker in list(workers):
                if worker.item is None and pending:
                    item = pending.popleft()
                    try:
                        worker.conn.send(item)
                        worker.item = item
                    except OSError:  # died while idle: the item was not started, count it as died
                        _retire(worker, workers)
                        yield item, DIED
            busy = [w for w in workers if w.item is not None]
            if not busy:
                continue
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
            for worker in busy:
                if worker.conn in ready:
                    try:
                        outcome = worker.conn.recv()
                    except (EOFError, OSError):
                        outcome = DIED
                elif worker.process.sentinel in ready:
                    outcome = DIED
                else:
                    continue
                item, worker.item = worker.item, None
                if outcome is DIED:
                    _retire(worker, workers)
                yield item, outcome
        finished = True
    finally:
        _stop(workers, finished, stopped)


def _stop(workers: list[_Worker], finished: bool, stopped: Callable[[Any, Any], None] | None) -> None:
    if finished:
        for worker in workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
    else:
        for worker in workers:
            if worker.process.is_alive():
                worker.process.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for worker in workers:
        worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
    for worker in workers:
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        outcome = DIED
        try:
            if worker.item is not None and worker.conn.poll():
                outcome = worker.conn.recv()  # finished before it was stopped: the work is not lost
        except (EOFError, OSError):
            pass
        worker.conn.close()
        if worker.item is not None and stopped is not None:
            stopped(worker.item, outcome)
