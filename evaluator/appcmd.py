"""The command that serves the Streamlit app; shared by `mockloop app`, the browser test and the benchmark."""

from __future__ import annotations

import sys

from evaluator.paths import ui_dir


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
