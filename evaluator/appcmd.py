"""The command that serves the Streamlit app; shared by `mockloop app`, the browser test and the benchmark."""

from __future__ import annotations

import sys
from pathlib import Path

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
