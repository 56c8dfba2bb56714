"""Seeded datasets for the SQL round: one visible sample and adversarial hidden ones.

A query is judged by what it returns, so the data must make typical wrong answers return
something different: every hidden dataset targets a family of bugs (date-window edges, NULL
user ids, duplicates, zero-retention cohorts, the impression threshold, CTR ties). Everything is
generated from fixed seeds in Python, nothing is downloaded, and each dataset is built once per
process and then reused as Arrow tables (fast to load into a fresh sandbox).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from evaluator.sql.schema import CTR_DAY, CTR_MIN_IMPRESSIONS, EVENT_TYPES, REELS_WINDOW, SURFACES, TABLES
from evaluator.sql.spec import get_spec

Row = tuple[Any, ...]

_COUNTRIES = ("US", "IN", "BR", "ID", "MX", "GB", "DE", "NG")
_TIERS = ("free", "plus", "creator")
_CONTENT_TYPES = ("photo", "video", "text", "link")
_PLACEMENTS = ("in_feed", "in_stream", "story_card", "right_column")
_DEVICES = ("ios", "android", "web")
_DAY = timedelta(days=1)


@dataclass(frozen=True, eq=False)
class Dataset:
    """One complete database (all four tables) plus a neutral name safe to show a candidate.

    ``label`` is what feedback says ("hidden test 2: edge cases around the date window"); the
    rows themselves are never dumped into feedback, only a few differing result rows.
    ``tags`` name the edge-case families present, so feedback can pick the relevant hint.
    """

    key: str
    label: str
    tables: dict[str, list[Row]]
    hidden: bool = True
    tags: frozenset[str] = field(default_factory=frozenset)

    def rows(self, table: str) -> list[Row]:
        return self.tables[table]

    def dicts(self, table: str) -> list[dict[str, Any]]:
        """Rows as column -> value, for tests and feedback diagnosis written in Python."""
        names = [c for c, _ in TABLES[table]]
        return [dict(zip(names, r, strict=True)) for r in self.tables[table]]

    def arrow(self) -> dict[str, Any]:
        """The tables as pyarrow Tables with the documented types, converted once."""
        return _arrow_tables(self)


class _Builder:
    """Accumulates rows with sequential ids; shuffles on build so row order carries no answer."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.users: list[Row] = []
        self.events: list[Row] = []
        self.posts: list[Row] = []
        self.ads: list[Row] = []
        self._next_user = 1000
        self._next_event = 1
        self._next_impression = 1

    # -- dim_users / posts
    def user(self, signup: date, user_id: int | None = None) -> int:
        uid = user_id if user_id is not None else self._next_user
        self._next_user = max(self._next_user, uid) + 1
        rng = self.rng
        self.users.append((uid, rng.choice(_COUNTRIES), signup, rng.choice(_TIERS), rng.random() < 0.2))
        return uid

    def posts_for(self, authors: list[int], n: int) -> None:
        rng = self.rng
        base = datetime(2026, 11, 1)
        for pid in range(1, n + 1):
            ts = base + timedelta(seconds=rng.randrange(25 * 86400))
            self.posts.append(
                (pid, rng.choice(authors) if authors else None, ts, rng.choice(SURFACES), rng.choice(_CONTENT_TYPES))
            )

    # -- user_events
    def event(
        self,
        user_id: int | None,
        day: date,
        surface: str,
        event_type: str | None = None,
        at: time | None = None,
    ) -> None:
        rng = self.rng
        moment = at or time(rng.randrange(24), rng.randrange(60), rng.randrange(60))
        etype = event_type or rng.choices(EVENT_TYPES, weights=(6, 2, 1, 1))[0]
        self.events.append(
            (self._next_event, user_id, datetime.combine(day, moment), day, surface, etype, rng.randrange(1, 400))
        )
        self._next_event += 1

    def random_activity(
        self,
        users: list[int],
        first: date,
        last: date,
        per_user: tuple[int, int] = (0, 18),
        null_share: float = 0.03,
        weights: tuple[int, int, int] = (5, 3, 2),
    ) -> None:
        """Background noise: random users, days, surfaces, types, with logged-out rows mixed in."""
        rng = self.rng
        span = (last - first).days + 1
        for uid in users:
            for _ in range(rng.randint(*per_user)):
                day = first + timedelta(days=rng.randrange(span))
                self.event(uid, day, rng.choices(SURFACES, weights=weights)[0])
        for _ in range(int(len(self.events) * null_share)):
            day = first + timedelta(days=rng.randrange(span))
            self.event(None, day, rng.choice(SURFACES))

    # -- ads_impressions
    def impressions(self, advertiser: int, campaign: int, day: date, n: int, clicks: int) -> None:
        """``n`` impression rows for one campaign and day, exactly ``clicks`` of them clicked."""
        rng = self.rng
        clicked = [True] * clicks + [False] * (n - clicks)
        rng.shuffle(clicked)
        users = [u[0] for u in self.users] or [None]
        for was_clicked in clicked:
            uid = None if rng.random() < 0.04 else rng.choice(users)
            ts = datetime.combine(day, time()) + timedelta(seconds=rng.randrange(86400))
            spend = Decimal(rng.randrange(5, 25000)) / Decimal(10000)
            self.ads.append(
                (
                    self._next_impression,
                    campaign * 10 + rng.randrange(1, 4),
                    campaign,
                    advertiser,
                    uid,
                    ts,
                    day,
                    rng.choice(SURFACES),
                    rng.choice(_PLACEMENTS),
                    rng.choice(_DEVICES),
                    was_clicked,
                    spend,
                )
            )
            self._next_impression += 1

    def background_ads(self, n_campaigns: int = 3, first_campaign: int = 9001) -> None:
        """A few small campaigns so every dataset has a non-empty ads table."""
        for k in range(n_campaigns):
            day = CTR_DAY - timedelta(days=k % 3)
            self.impressions(900 + k % 2, first_campaign + k, day, 40, 3)

    def build(self, key: str, label: str, *, hidden: bool = True, tags: tuple[str, ...] = ()) -> Dataset:
        if not self.posts:
            self.posts_for([u[0] for u in self.users], 60)
        rng = self.rng
        for rows in (self.users, self.events, self.posts, self.ads):
            rng.shuffle(rows)
        tables = {"dim_users": self.users, "user_events": self.events, "posts": self.posts, "ads_impressions": self.ads}
        return Dataset(key=key, label=label, tables=tables, hidden=hidden, tags=frozenset(tags))


# --------------------------------------------------------------------------- sample


@cache
def sample_dataset() -> Dataset:
    """The dataset a candidate may query from the app: realistic and random, shared by all questions."""
    b = _Builder(seed=20261116)
    users = [b.user(date(2026, 11, 8) + timedelta(days=b.rng.randrange(16))) for _ in range(160)]
    b.random_activity(users, date(2026, 11, 8), date(2026, 11, 26), per_user=(0, 22))
    _retention_noise(b, users, share=0.35)
    _random_campaigns(b, advertisers=(101, 102, 103), per_advertiser=(4, 6), first_campaign=5001)
    return b.build("sample", "sample dataset", hidden=False, tags=("random",))


# --------------------------------------------------------------------------- sql-reels-not-feed


def _reels_random() -> Dataset:
    b = _Builder(seed=11)
    users = [b.user(date(2026, 11, 1) + timedelta(days=b.rng.randrange(20))) for _ in range(140)]
    b.random_activity(users, date(2026, 11, 12), date(2026, 11, 26), per_user=(0, 14), weights=(4, 4, 2))
    b.background_ads()
    return b.build("reels-random", "hidden test 1: randomised activity across surfaces", tags=("random", "nulls"))


def _reels_window_edges() -> Dataset:
    """Users whose only activity sits on, or just outside, the first and last day of the window."""
    b = _Builder(seed=12)
    first, last = REELS_WINDOW
    before, after = first - _DAY, last + _DAY
    mid = first + 3 * _DAY
    late, early = time(23, 59, 30), time(0, 0, 5)
    u = lambda: b.user(date(2026, 10, 1))  # noqa: E731 - a tiny local factory reads best here
    b.event(u(), first, "reels", at=early)  # in: first day
    b.event(u(), last, "reels", at=late)  # in: last day, late (event_ts <= '2026-11-22' misses it)
    b.event(u(), last, "reels", at=time(12, 0))  # in: last day
    b.event(u(), before, "reels", at=late)  # out: the day before
    b.event(u(), after, "reels", at=early)  # out: the day after
    x = u()
    b.event(x, mid, "reels")
    b.event(x, before, "feed", at=late)  # in: Feed only before the window
    x = u()
    b.event(x, mid, "reels")
    b.event(x, after, "feed", at=early)  # in: Feed only after the window
    x = u()
    b.event(x, first + _DAY, "reels")
    b.event(x, before, "feed")
    b.event(x, after, "feed")  # in: Feed on both sides, never inside
    x = u()
    b.event(x, mid, "reels")
    b.event(x, first, "feed", at=early)  # out: Feed on the first day
    x = u()
    b.event(x, mid + _DAY, "reels")
    b.event(x, last, "feed", at=late)  # out: Feed late on the last day
    x = u()
    b.event(x, before, "reels")
    b.event(x, after, "reels")
    b.event(x, mid, "feed")  # out: Reels only outside, Feed inside
    x = u()
    b.event(x, before, "reels")
    b.event(x, after, "reels")  # out: Reels only outside the window
    noise = [u() for _ in range(30)]
    b.random_activity(noise, first + _DAY, last - _DAY, per_user=(1, 6), null_share=0.0, weights=(3, 4, 1))
    b.background_ads()
    return b.build("reels-window", "hidden test 2: edge cases around the date window", tags=("window",))


def _reels_nulls_and_repeats() -> Dataset:
    """Logged-out rows (NULL user_id) on both surfaces inside the window, and heavy repeat users."""
    b = _Builder(seed=13)
    first, last = REELS_WINDOW
    days = [first + timedelta(days=k) for k in range(7)]
    for _ in range(6):
        b.event(None, b.rng.choice(days), "reels")
        b.event(None, b.rng.choice(days), "feed")
    for _ in range(8):  # many Reels events, no Feed: one row each in the answer
        x = b.user(date(2026, 10, 5))
        for _ in range(b.rng.randint(4, 9)):
            b.event(x, b.rng.choice(days), "reels")
    for _ in range(6):  # many events on both surfaces: not in the answer
        x = b.user(date(2026, 10, 5))
        for _ in range(b.rng.randint(3, 6)):
            b.event(x, b.rng.choice(days), "reels")
            b.event(x, b.rng.choice(days), "feed")
    noise = [b.user(date(2026, 10, 7)) for _ in range(25)]
    b.random_activity(noise, first, last, per_user=(1, 8), null_share=0.0, weights=(3, 4, 2))
    b.background_ads()
    return b.build("reels-nulls", "hidden test 3: logged-out events and repeat visitors", tags=("nulls", "duplicates"))


def _reels_surfaces_and_types() -> Dataset:
    """Stories, every event type on each surface, and logged-out Reels rows with no logged-out Feed rows."""
    b = _Builder(seed=14)
    first, last = REELS_WINDOW
    mid = first + 2 * _DAY
    u = lambda: b.user(date(2026, 10, 9))  # noqa: E731
    b.event(u(), mid, "stories", "like")  # out: Stories only
    b.event(u(), mid, "reels", "view")  # in: a Reels view is engagement
    b.event(u(), mid, "reels", "share")  # in
    b.event(u(), mid, "reels", "comment")  # in
    x = u()
    b.event(x, mid, "reels", "like")
    b.event(x, mid, "stories", "view")  # in: Stories does not matter
    x = u()
    b.event(x, mid, "stories", "view")
    b.event(x, mid, "feed", "comment")  # out: no Reels
    x = u()
    b.event(x, mid, "reels", "like")
    b.event(x, mid + _DAY, "feed", "view")  # out: a Feed view is engagement too
    x = u()
    b.event(x, mid, "reels", "view")
    b.event(x, mid, "feed", "share")  # out
    x = u()
    b.event(x, mid, "reels", "view")
    b.event(x, mid + _DAY, "reels", "view")
    b.event(x, mid, "stories", "share")  # in: views only, twice
    for etype in EVENT_TYPES:  # logged-out Reels rows inside, logged-out Feed rows only outside
        b.event(None, mid, "reels", etype)
    b.event(None, first - 3 * _DAY, "feed")
    noise = [u() for _ in range(30)]
    b.random_activity(noise, first, last, per_user=(1, 7), null_share=0.0)
    b.background_ads()
    return b.build("reels-surfaces", "hidden test 4: other surfaces and every event type", tags=("surfaces", "nulls"))


# --------------------------------------------------------------------------- sql-d1-retention


def _retention_noise(b: _Builder, users: list[int], share: float) -> None:
    """Make some users come back the day after signing up, so random data has real retention."""
    signup = {u[0]: u[2] for u in b.users}
    for uid in users:
        if b.rng.random() < share:
            for _ in range(b.rng.randint(1, 3)):
                b.event(uid, signup[uid] + _DAY, b.rng.choice(SURFACES))


def _retention_random() -> Dataset:
    b = _Builder(seed=21)
    users = [b.user(date(2026, 11, 10) + timedelta(days=b.rng.randrange(11))) for _ in range(150)]
    b.random_activity(users, date(2026, 11, 9), date(2026, 11, 23), per_user=(0, 10))
    _retention_noise(b, users, share=0.3)
    b.background_ads()
    return b.build("d1-random", "hidden test 1: randomised cohorts", tags=("random", "nulls"))


def _retention_zero_cohorts() -> Dataset:
    """Cohorts where nobody came back the next day, next to cohorts where someone did."""
    b = _Builder(seed=22)
    d = lambda day: date(2026, 11, day)  # noqa: E731
    for _ in range(3):  # 11-10: active on day 0 and day 2, never on day 1 -> 0
        x = b.user(d(10))
        b.event(x, d(10), "feed")
        b.event(x, d(12), "reels")
    x = b.user(d(11))  # 11-11: the only user comes back -> 1.0
    b.event(x, d(12), "stories")
    others = []
    for _ in range(4):  # 11-12: nobody retained although other users are active on 11-13
        x = b.user(d(12))
        b.event(x, d(12), "feed")
        others.append(x)
    for _ in range(5):  # 11-13: 2 of 5 retained, and they are the users active on 11-13 above
        x = b.user(d(13))
        others.append(x)
    for x in others[4:6]:
        b.event(x, d(14), "reels")
    for x in others[4:]:
        b.event(x, d(13), "feed")
    b.event(None, d(13), "reels")
    for _ in range(2):  # 11-15: no events at all -> 0
        b.user(d(15))
    for k in range(7):  # 11-18: 3 of 7 -> 0.4286
        x = b.user(d(18))
        if k < 3:
            b.event(x, d(19), "feed")
        b.event(x, d(18), "reels")
    b.background_ads()
    return b.build("d1-zero", "hidden test 2: cohorts with nobody retained", tags=("zero_rows",))


def _retention_day_edges() -> Dataset:
    """Several events on day+1, events at midnight, on the signup day and on day+2."""
    b = _Builder(seed=23)
    d = lambda day: date(2026, 11, day)  # noqa: E731
    c14 = [b.user(d(14)) for _ in range(6)]
    for _ in range(5):
        b.event(c14[0], d(15), b.rng.choice(SURFACES))  # retained, many events
    b.event(c14[1], d(15), "feed", at=time(0, 0, 0))  # retained at midnight
    b.event(c14[2], d(15), "reels", at=time(23, 59, 59))  # retained late
    for _ in range(4):
        b.event(c14[3], d(14), "feed")  # signup day only
    b.event(c14[4], d(16), "feed", at=time(0, 0, 1))  # day+2 only
    b.event(c14[5], d(13), "stories")  # before signup only
    c15 = [b.user(d(15)) for _ in range(3)]
    for _ in range(3):
        b.event(c15[0], d(16), "reels")  # 1 of 3 retained
    b.event(c15[1], d(15), "feed")
    b.event(c15[1], d(17), "feed")
    c16 = [b.user(d(16)) for _ in range(32)]  # 1/32 = 0.03125: rounding at the 4th decimal
    b.event(c16[0], d(17), "feed")
    for x in c16[1:12]:
        b.event(x, d(16), "reels")
        b.event(x, d(18), "reels")
    c17 = [b.user(d(17)) for _ in range(7)]
    for x in c17[:3]:
        b.event(x, d(18), "stories")
    for _ in range(6):
        b.event(None, d(18), "reels")  # logged-out traffic on day+1
    b.background_ads()
    return b.build(
        "d1-edges", "hidden test 3: repeat events and day boundaries", tags=("duplicates", "window", "nulls")
    )


# --------------------------------------------------------------------------- sql-top-campaigns-ctr

# (advertiser, campaign, impressions, clicks) on the question's day; other days listed separately.
_CTR_ADVERTISERS = (
    (501, 1101, 1500, 90),
    (501, 1102, 1200, 120),
    (501, 1103, 1100, 44),
    (501, 1104, 1300, 104),
    (501, 1105, 1050, 21),
    (502, 1201, 2000, 50),
    (502, 1202, 1000, 35),
    (502, 1203, 1400, 70),
    (502, 1204, 980, 98),
    (503, 1301, 1600, 80),
    (503, 1302, 1000, 12),
    (503, 1303, 500, 100),
    (504, 1401, 700, 7),
)
_CTR_OTHER_DAYS = (
    (501, 1105, CTR_DAY - _DAY, 3000, 600),  # merging days would lift 1105 to the top
    (501, 1106, CTR_DAY + _DAY, 2000, 400),  # exists only on another day
    (502, 1204, CTR_DAY - _DAY, 500, 5),  # merging days would push 1204 over the threshold
    (504, 1401, CTR_DAY - timedelta(days=2), 900, 90),
)
_CTR_THRESHOLD = (
    (601, 2101, CTR_MIN_IMPRESSIONS, 150),  # exactly at the threshold: in, and first
    (601, 2102, CTR_MIN_IMPRESSIONS - 1, 200),  # one short: out, despite the best CTR
    (601, 2103, CTR_MIN_IMPRESSIONS + 1, 100),
    (601, 2104, 1200, 60),
    (601, 2105, 2000, 80),
    (602, 2201, CTR_MIN_IMPRESSIONS, 30),
    (602, 2202, 1500, 30),
)
_CTR_TIES = (
    (701, 3105, 1000, 80),  # .08
    (701, 3102, 2000, 160),  # .08
    (701, 3109, 1250, 100),  # .08: three-way tie across ranks 2..4
    (701, 3101, 1200, 60),  # .05
    (701, 3103, 1100, 121),  # .11
    (702, 3201, 1000, 50),  # .05
    (702, 3202, 1000, 50),  # .05
    (702, 3203, 4000, 200),  # .05: tie at the top, three ways
    (702, 3204, 1000, 49),
    (703, 3001, 1300, 26),  # lower ids than advertiser 701: a global ranking mixes them up
    (703, 3002, 1000, 20),
    (703, 3003, 1100, 33),
    (703, 3004, 1500, 15),
    (704, 3301, 1001, 12),  # .011988: rounds to .0120 like 3302, so ranking on the rounded CTR ties them
    (704, 3302, 1000, 12),  # .0120 exactly: first on the exact CTR although its id is higher
    (704, 3303, 1000, 5),
)


def _ctr_several_advertisers() -> Dataset:
    b = _Builder(seed=31)
    users = [b.user(date(2026, 10, 1) + timedelta(days=b.rng.randrange(40))) for _ in range(60)]
    b.random_activity(users, date(2026, 11, 16), date(2026, 11, 22), per_user=(0, 4))
    for adv, camp, n, clicks in _CTR_ADVERTISERS:
        b.impressions(adv, camp, CTR_DAY, n, clicks)
    for adv, camp, day, n, clicks in _CTR_OTHER_DAYS:
        b.impressions(adv, camp, day, n, clicks)
    return b.build(
        "ctr-advertisers",
        "hidden test 1: several advertisers, with campaigns also running on other days",
        tags=("window", "per_group"),
    )


def _ctr_threshold() -> Dataset:
    b = _Builder(seed=32)
    users = [b.user(date(2026, 10, 1)) for _ in range(40)]
    b.random_activity(users, date(2026, 11, 20), date(2026, 11, 22), per_user=(0, 3))
    for adv, camp, n, clicks in _CTR_THRESHOLD:
        b.impressions(adv, camp, CTR_DAY, n, clicks)
    return b.build("ctr-threshold", "hidden test 2: campaigns at the impression threshold", tags=("threshold",))


def _ctr_ties() -> Dataset:
    b = _Builder(seed=33)
    users = [b.user(date(2026, 10, 1)) for _ in range(40)]
    b.random_activity(users, date(2026, 11, 20), date(2026, 11, 22), per_user=(0, 3))
    for adv, camp, n, clicks in _CTR_TIES:
        b.impressions(adv, camp, CTR_DAY, n, clicks)
    return b.build(
        "ctr-ties",
        "hidden test 3: ties in click-through rate, and rates equal only once rounded",
        tags=("ties", "per_group"),
    )


def _random_campaigns(
    b: _Builder, advertisers: tuple[int, ...], per_advertiser: tuple[int, int], first_campaign: int
) -> None:
    """Random campaigns around the threshold with CTRs kept apart at the 4th decimal.

    Two different CTRs that round to the same 4-decimal value would make "rank by the rounded
    CTR" and "rank by the CTR" disagree; the question does not settle that, so the data avoids it.
    """
    rng = b.rng
    camp = first_campaign
    for adv in advertisers:
        seen: list[float] = []
        for _ in range(rng.randint(*per_advertiser)):
            n = rng.randint(850, 1700)
            while True:
                clicks = rng.randint(max(1, n // 100), n // 6)
                ctr = clicks / n
                if all(abs(ctr - s) > 3e-4 for s in seen):
                    break
            seen.append(ctr)
            b.impressions(adv, camp, CTR_DAY, n, clicks)
            other = CTR_DAY + rng.choice((-1, 1)) * _DAY
            b.impressions(adv, camp, other, rng.randint(100, 400), rng.randint(5, 60))
            camp += rng.randint(1, 3)


# --------------------------------------------------------------------------- registry

_HIDDEN = {
    "sql-reels-not-feed": (_reels_random, _reels_window_edges, _reels_nulls_and_repeats, _reels_surfaces_and_types),
    "sql-d1-retention": (_retention_random, _retention_zero_cohorts, _retention_day_edges),
    "sql-top-campaigns-ctr": (_ctr_several_advertisers, _ctr_threshold, _ctr_ties),
}


@cache
def hidden_datasets(question_id: str) -> tuple[Dataset, ...]:
    """The hidden datasets for a question, built once per process."""
    get_spec(question_id)
    return tuple(build() for build in _HIDDEN[question_id])


def grading_datasets(question_id: str) -> tuple[Dataset, ...]:
    """Every dataset a verdict covers: the sample first (its errors are the ones a candidate can reproduce)."""
    return (sample_dataset(), *hidden_datasets(question_id))


def registered_dataset(key: str) -> Dataset | None:
    """The sample or a hidden dataset by its key, built on first use; None for an unknown key.

    The SQL worker process rebuilds datasets from their seeds by key instead of receiving rows.
    """
    if key == sample_dataset().key:
        return sample_dataset()
    for question_id in _HIDDEN:
        for dataset in hidden_datasets(question_id):
            if dataset.key == key:
                return dataset
    return None


def dataset_shape(dataset: Dataset) -> dict[str, int]:
    """Row count per table: a cheap check that two processes mean the same dataset by one key."""
    return {table: len(rows) for table, rows in dataset.tables.items()}


@cache
def _arrow_tables(dataset: Dataset) -> dict[str, Any]:
    import pyarrow as pa

    types = {
        "BIGINT": pa.int64(),
        "VARCHAR": pa.string(),
        "DATE": pa.date32(),
        "TIMESTAMP": pa.timestamp("us"),
        "BOOLEAN": pa.bool_(),
        "DECIMAL(12,4)": pa.decimal128(12, 4),
    }
    out: dict[str, Any] = {}
    for table, cols in TABLES.items():
        rows = dataset.tables[table]
        schema = pa.schema([(name, types[typ]) for name, typ in cols])
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in cols]
        arrays = {
            name: pa.array(list(col), type=schema.field(name).type)
            for name, col in zip(schema.names, columns, strict=True)
        }
        out[table] = pa.table(arrays, schema=schema)
    return out
