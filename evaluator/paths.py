"""Where the shipped data lives, for editable and regular installs alike.

A regular install carries ``rubrics/``, ``prompts/``, ``ui/`` and ``transcripts/`` inside the
package as ``evaluator/_data/...``; an editable install uses the folders at the project root.
"""

from __future__ import annotations

import os
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    for candidate in (_PKG / "_data" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"shipped data folder {name!r} not found next to {_PKG}")


def rubrics_dir() -> Path:
    return Path(os.environ["MOCKLOOP_RUBRICS_DIR"]) if os.environ.get("MOCKLOOP_RUBRICS_DIR") else data_dir("rubrics")


def prompts_dir() -> Path:
    return data_dir("prompts")


def ui_dir() -> Path:
    return data_dir("ui")


def transcripts_dir() -> Path:
    """Where attempts are autosaved: ``MOCKLOOP_TRANSCRIPTS_DIR``, else ``./transcripts``."""
    return Path(os.environ.get("MOCKLOOP_TRANSCRIPTS_DIR") or Path.cwd() / "transcripts")
