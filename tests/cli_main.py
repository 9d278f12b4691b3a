"""The CLI's ``main`` run in this process: the same argument parsing, exit status and streams as
``python -m pipeline``, without starting an interpreter and compiling the rules for every call.
Tests of process behaviour (signals, hangs, another user) run the real CLI instead."""
from __future__ import annotations

import io
import signal
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from pipeline.__main__ import main


def run_main(*args: str | Path) -> subprocess.CompletedProcess:
    argv = [str(a) for a in args]
    stdout, stderr = io.StringIO(), io.StringIO()
    sigterm = signal.getsignal(signal.SIGTERM)  # main installs its own handler
    try:
        with redirect_stdout(stdout), redirect_stderr(stderr):
            try:
                status = main(argv)
            except SystemExit as exc:  # argparse's usage errors
                status = exc.code
    finally:
        signal.signal(signal.SIGTERM, sigterm)
    return subprocess.CompletedProcess(["pipeline", *argv], status, stdout.getvalue(), stderr.getvalue())
