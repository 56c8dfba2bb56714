"""A disk cache of judge replies, so an identical re-grade makes no HTTP request.

The key covers everything that can change a reply: model and endpoint, the prompt templates'
text, the rubric (its version *and* a hash of its content, so an edit misses even if nobody bumped
the version), the question, the answer, the token budget, the output schema, the temperature
and the sample index. What is stored is the judge's raw object (plus token counts), not the
report: reconciliation always re-runs, so a fix to it never needs a cache flush.

The cache lives in ``MOCKLOOP_CACHE_DIR`` or the user cache directory (platformdirs). A cache
that cannot be opened (read-only home, corrupt database) is skipped, never fatal.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from pathlib import Path
from typing import Any

from evaluator.settings import Settings

log = logging.getLogger(__name__)
_OPEN: dict[str, Any] = {}
_LOCK = threading.Lock()


def cache_dir(settings: Settings) -> Path:
    if settings.cache_dir is not None:
        return Path(settings.cache_dir)
    import platformdirs

    return Path(platformdirs.user_cache_dir("mockloop", appauthor=False)) / "llm"


def _cache(settings: Settings) -> Any | None:
    """The open diskcache for the configured directory (opened once per process)."""
    if not settings.llm_cache:
        return None
    path = str(cache_dir(settings))
    with _LOCK:
        if path not in _OPEN:
            try:
                import diskcache

                _OPEN[path] = diskcache.Cache(path, size_limit=2**30)
            except Exception as exc:  # unwritable or corrupt: grade without a cache
                log.warning("LLM cache at %s unavailable: %s", path, exc)
                _OPEN[path] = None
        return _OPEN[path]


def make_key(parts: dict[str, Any]) -> str:
    """A stable digest of the key parts (canonical JSON, so dict order does not matter)."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return "judge:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


def get(settings: Settings, key: str) -> dict[str, Any] | None:
    cache = _cache(settings)
    if cache is None:
        return None
    try:
        value = cache.get(key)
    except Exception as exc:
        log.warning("LLM cache read failed: %s", exc)
        return None
    return value if isinstance(value, dict) else None


def put(settings: Settings, key: str, value: dict[str, Any]) -> bool:
    cache = _cache(settings)
    if cache is None:
        return False
    try:
        return bool(cache.set(key, value))
    except Exception as exc:
        log.warning("LLM cache write failed: %s", exc)
        return False


def close_all() -> None:
    """Close every open cache (tests call this before their temp directories go away)."""
    with _LOCK:
        for cache in _OPEN.values():
            if cache is not None:
                cache.close()
        _OPEN.clear()
