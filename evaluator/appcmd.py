"""The command that serves the Streamlit app; shared by `mockloop app`, the browser test and the benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from evaluator.paths import ui_dir

# Debian's Chromium, driven headless by the browser test and the app benchmark; the flags keep
# it from reaching for the network, which this machine does not have.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def streamlit_command(port: int, *, headless: bool = False, address: str | None = None) -> list[str]:
    """``streamlit run`` on the shipped ``ui/app.py`` with telemetry off and a minimal toolbar."""
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ui_dir() / "app.py"),
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",
    ]  # fmt: skip
    if headless:
        cmd += ["--server.headless", "true", "--server.fileWatcherType", "none"]
    if address:
        cmd += ["--server.address", address]
    return cmd


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_app(transcripts: Path, log: IO[bytes] | None = None, timeout: float = 30.0) -> Iterator[str]:
    """Serve the app on 127.0.0.1 in deterministic mode with drafts in ``transcripts``; yields its URL.

    For the browser test and the app benchmark: a fresh port, no LLM variables, and the server
    stopped (killed if need be) on exit.
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env["MOCKLOOP_TRANSCRIPTS_DIR"] = str(transcripts)
    out = log if log is not None else subprocess.DEVNULL
    proc = subprocess.Popen(
        streamlit_command(port, headless=True, address="127.0.0.1"), env=env, cwd=transcripts, stdout=out, stderr=out
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"streamlit did not become healthy at {url} within {timeout:.0f}s") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
