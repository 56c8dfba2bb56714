"""The SQL round's tables, written down once.

The DDL that loads datasets, the column types the Presto reader uses to spot integer division
and the generator's column order all come from here, so they cannot drift apart.
"""

from __future__ import annotations

from datetime import date

# table -> ordered (column, DuckDB type); order is the order generated rows are written in.
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "dim_users": (
        ("user_id", "BIGINT"),
        ("country", "VARCHAR"),
        ("signup_date", "DATE"),
        ("user_tier", "VARCHAR"),
        ("is_verified", "BOOLEAN"),
    ),
    "user_events": (
        ("event_id", "BIGINT"),
        ("user_id", "BIGINT"),
        ("event_ts", "TIMESTAMP"),
        ("event_date", "DATE"),
        ("surface", "VARCHAR"),
        ("event_type", "VARCHAR"),
        ("content_id", "BIGINT"),
    ),
    "posts": (
        ("post_id", "BIGINT"),
        ("author_id", "BIGINT"),
        ("created_ts", "TIMESTAMP"),
        ("surface", "VARCHAR"),
        ("content_type", "VARCHAR"),
    ),
    "ads_impressions": (
        ("impression_id", "BIGINT"),
        ("ad_id", "BIGINT"),
        ("campaign_id", "BIGINT"),
        ("advertiser_id", "BIGINT"),
        ("user_id", "BIGINT"),
        ("event_ts", "TIMESTAMP"),
        ("event_date", "DATE"),
        ("surface", "VARCHAR"),
        ("placement", "VARCHAR"),
        ("device_type", "VARCHAR"),
        ("clicked", "BOOLEAN"),
        ("spend_usd", "DECIMAL(12,4)"),
    ),
}

PARTITION_COLUMN = "event_date"
PARTITIONED_TABLES = frozenset(t for t, cols in TABLES.items() if any(c == PARTITION_COLUMN for c, _ in cols))

SURFACES = ("feed", "reels", "stories")
EVENT_TYPES = ("view", "like", "comment", "share")

# The dates the questions are about (DOMAIN.md); datasets put their edge cases around them.
REELS_WINDOW = (date(2026, 11, 16), date(2026, 11, 22))
CTR_DAY = date(2026, 11, 22)
CTR_MIN_IMPRESSIONS = 1000


def sqlglot_schema() -> dict[str, dict[str, str]]:
    """The mapping sqlglot's type annotator wants."""
    return {t: dict(cols) for t, cols in TABLES.items()}
