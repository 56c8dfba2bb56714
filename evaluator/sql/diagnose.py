"""Name the mistake behind a wrong result by reproducing it.

For each question the usual wrong answers are simulated in plain Python on the dataset that
failed (an exclusive end date, Feed not limited to the window, ``> 1000``, ``RANK()``, ties
broken the wrong way, counting events instead of users...). When the candidate's result equals a
simulated mistake's result, that mistake's hint is the diagnosis; guessing from the SQL text
would misfire on unusual but correct queries. When nothing matches, a few row-level facts
give a softer hint.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import cache
from typing import Any

from evaluator.sql.compare import Comparison
from evaluator.sql.datasets import Dataset
from evaluator.sql.schema import CTR_DAY, CTR_MIN_IMPRESSIONS, REELS_WINDOW

_DAY = timedelta(days=1)


@dataclass
class Diagnosis:
    """What one failing dataset says about the mistake.

    ``alternatives`` are the simulated mistakes that reproduce the result exactly; on a small
    dataset several can coincide, so the caller keeps the one reproduced on the most datasets.
    ``notes`` are independent observations (a missing zero cohort, a wrong count column).
    """

    alternatives: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def diagnose(question_id: str, comparison: Comparison, dataset: Dataset, soft: bool = True) -> Diagnosis:
    """Hints for one failing dataset (empty if nothing is recognised).

    ``soft=False`` drops the row-level guesses, for when a generic hint (duplicates, NULLs, an
    empty NOT IN result) already explains the difference.
    """
    fn = _DIAGNOSERS.get(question_id)
    if fn is None or comparison.column_problem:
        return Diagnosis()
    return fn(comparison, dataset, soft)


def _col(c: Comparison, name: str) -> int:
    return c.columns.index(name)


# --------------------------------------------------------------------------- sql-reels-not-feed


@dataclass(frozen=True)
class _Event:
    user: int
    day: date
    at: time
    surface: str
    kind: str


@cache
def _events(dataset: Dataset) -> tuple[_Event, ...]:
    return tuple(
        _Event(e["user_id"], e["event_date"], e["event_ts"].time(), e["surface"], e["event_type"])
        for e in dataset.dicts("user_events")
        if e["user_id"] is not None
    )


def _window(first: date, last: date) -> Callable[[_Event], bool]:
    return lambda e: first <= e.day <= last


_FIRST, _LAST = REELS_WINDOW
_IN = _window(_FIRST, _LAST)
_ANY: Callable[[_Event], bool] = lambda e: True  # noqa: E731


def _midnight_end(e: _Event) -> bool:
    """``event_ts BETWEEN '2026-11-16' AND '2026-11-22'``: the last day only at 00:00:00."""
    return _FIRST <= e.day < _LAST or (e.day == _LAST and e.at == time())


def _not_view(pred: Callable[[_Event], bool]) -> Callable[[_Event], bool]:
    return lambda e: pred(e) and e.kind != "view"


# (hint, reels surfaces, reels predicate, feed predicate or None for "no Feed exclusion")
_REELS_MISTAKES: tuple[tuple[str, tuple[str, ...], Callable[[_Event], bool], Callable[[_Event], bool] | None], ...] = (
    (
        "The window includes all of 2026-11-22: BETWEEN on event_date is inclusive, while "
        "event_ts <= '2026-11-22' (or < DATE '2026-11-22') stops at the start of the last day.",
        ("reels",),
        _window(_FIRST, _LAST - _DAY),
        _window(_FIRST, _LAST - _DAY),
    ),
    (
        "The window includes all of 2026-11-22: BETWEEN on event_date is inclusive, while "
        "event_ts <= '2026-11-22' (or < DATE '2026-11-22') stops at the start of the last day.",
        ("reels",),
        _midnight_end,
        _midnight_end,
    ),
    (
        "The window includes its first day: events on 2026-11-16 count (>= , not >).",
        ("reels",),
        _window(_FIRST + _DAY, _LAST),
        _window(_FIRST + _DAY, _LAST),
    ),
    (
        "Check the dates: the window is 2026-11-16 to 2026-11-22, both days included.",
        ("reels",),
        _window(_FIRST - _DAY, _LAST - _DAY),
        _window(_FIRST - _DAY, _LAST - _DAY),
    ),
    (
        "Check the dates: the window is 2026-11-16 to 2026-11-22, both days included.",
        ("reels",),
        _window(_FIRST + _DAY, _LAST + _DAY),
        _window(_FIRST + _DAY, _LAST + _DAY),
    ),
    (
        "Apply the date window to the Feed side too: Feed activity outside the week must not exclude a user.",
        ("reels",),
        _IN,
        _ANY,
    ),
    (
        "Apply the date window to the Reels side too: only Reels activity in the week counts.",
        ("reels",),
        _ANY,
        _IN,
    ),
    ("Filter both sides to event_date between 2026-11-16 and 2026-11-22.", ("reels",), _ANY, _ANY),
    (
        "Engaged means any row on the surface: views count as much as likes, comments and shares.",
        ("reels",),
        _not_view(_IN),
        _not_view(_IN),
    ),
    (
        "Engaged means any row on the surface: views count as much as likes, comments and shares.",
        ("reels",),
        _not_view(_IN),
        _IN,
    ),
    (
        "A Feed view is engagement too: any Feed row in the window excludes the user.",
        ("reels",),
        _IN,
        _not_view(_IN),
    ),
    (
        "Only Reels counts on the first side: Stories activity is not Reels (surface = 'reels').",
        ("reels", "stories"),
        _IN,
        _IN,
    ),
    (
        "Exclude users with any Feed row in the window (NOT EXISTS, or a LEFT JOIN ... WHERE f.user_id IS NULL).",
        ("reels",),
        _IN,
        None,
    ),
)


@cache
def _reels_variant_sets(dataset: Dataset) -> tuple[tuple[str, frozenset[int]], ...]:
    events = _events(dataset)
    out = []
    for hint, surfaces, reels_pred, feed_pred in _REELS_MISTAKES:
        reels = {e.user for e in events if e.surface in surfaces and reels_pred(e)}
        feed = {e.user for e in events if e.surface == "feed" and feed_pred(e)} if feed_pred else set()
        out.append((hint, frozenset(reels - feed)))
    return tuple(out)


def _reels(c: Comparison, dataset: Dataset, soft: bool) -> Diagnosis:
    got = frozenset(r[0] for r in c.actual if r[0] is not None)
    want = frozenset(r[0] for r in c.expected)
    if got == want:
        return Diagnosis()  # the difference is duplicates or NULLs, which the generic hints explain
    matches = [hint for hint, users in _reels_variant_sets(dataset) if users == got]
    if matches:
        return Diagnosis(alternatives=list(dict.fromkeys(matches)))
    return Diagnosis(notes=_reels_row_facts(got - want, want - got, dataset) if soft else [])


def _reels_row_facts(extra: Iterable[int], missing: Iterable[int], dataset: Dataset) -> list[str]:
    """Softer hints when no single mistake reproduces the result: the most common reason wins."""
    by_user: dict[int, list[_Event]] = defaultdict(list)
    for e in _events(dataset):
        by_user[e.user].append(e)
    votes: Counter[str] = Counter()
    for uid in missing:
        reels = [e for e in by_user[uid] if e.surface == "reels" and _IN(e)]
        if reels and all(e.day in (_FIRST, _LAST) for e in reels):
            votes["Users whose Reels activity is on the first or last day of the window are missing."] += 1
        elif any(e.surface == "feed" and not _IN(e) for e in by_user[uid]):
            votes["Feed activity outside the window must not exclude a user."] += 1
        else:
            votes["Some users with Reels and no Feed activity in the window are missing."] += 1
    for uid in extra:
        events = by_user[uid]
        if not any(e.surface == "reels" and _IN(e) for e in events):
            votes["Some users in your result have no Reels activity in the window."] += 1
        else:
            votes["Some users in your result also have Feed activity in the window."] += 1
    return [hint for hint, _ in votes.most_common(2)]


# --------------------------------------------------------------------------- sql-d1-retention


@cache
def _retention_rules(dataset: Dataset) -> dict[str, dict[date, int]]:
    """Per cohort, the retained count under the usual wrong rules."""
    signup = {u["user_id"]: u["signup_date"] for u in dataset.dicts("dim_users")}
    users_by_rule: dict[str, set[tuple[date, int]]] = defaultdict(set)
    counts: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for e in _events(dataset):
        s = signup.get(e.user)
        if s is None:
            continue
        if e.day == s + _DAY:
            counts["events_next_day"][s] += 1
        for rule, hit in (
            ("same_day", e.day == s),
            ("day_two", e.day == s + 2 * _DAY),
            ("any_later_day", e.day > s),
            ("day0_or_1", s <= e.day <= s + _DAY),
        ):
            if hit:
                users_by_rule[rule].add((s, e.user))
    active_on: dict[date, set[int]] = defaultdict(set)
    for e in _events(dataset):
        active_on[e.day].add(e.user)
    for s in set(signup.values()):
        for uid in active_on.get(s + _DAY, ()):
            users_by_rule["date_only"].add((s, uid))
    for rule, pairs in users_by_rule.items():
        for s, _ in pairs:
            counts[rule][s] += 1
    return counts


_RETENTION_HINTS = {
    "events_next_day": "retained_users counts next-day events, not users: count DISTINCT user_id.",
    "same_day": "retained_users looks at the signup day itself; day-1 retention is activity on signup_date + 1.",
    "day_two": "retained_users looks two days after signup; day-1 retention is activity on signup_date + 1.",
    "any_later_day": "retained_users counts activity on any later day; only signup_date + 1 counts.",
    "day0_or_1": "retained_users also counts activity on the signup day; only signup_date + 1 counts.",
    "date_only": "retained_users counts everyone active on signup_date + 1: join the events to the cohort "
    "on user_id as well as on the date.",
}


def _retention(c: Comparison, dataset: Dataset, soft: bool) -> Diagnosis:
    i_date, i_size, i_ret = _col(c, "signup_date"), _col(c, "cohort_size"), _col(c, "retained_users")
    expected = {r[i_date]: r for r in c.expected}
    actual = {r[i_date]: r for r in c.actual}
    out = Diagnosis()
    missing = [expected[d] for d in expected if d not in actual]
    if missing and all(r[i_ret] == 0 for r in missing):
        out.notes.append(
            "Cohorts with nobody retained are missing: start from dim_users and LEFT JOIN the next-day "
            "activity so they appear with 0."
        )
    elif missing:
        out.notes.append("Some signup dates are missing: every signup_date in dim_users is a cohort.")
    if any(d not in expected for d in actual):
        out.notes.append("Your result has signup dates that are not cohorts in dim_users.")
    both = [d for d in expected if d in actual]
    if any(actual[d][i_size] != expected[d][i_size] for d in both):
        out.notes.append(
            "cohort_size counts joined rows rather than the users who signed up that day."
            if any(actual[d][i_size] > expected[d][i_size] for d in both)
            else "cohort_size must count every user of the cohort, also those with no events."
        )
    wrong = [d for d in both if actual[d][i_ret] != expected[d][i_ret]]
    if wrong:
        rules = _retention_rules(dataset)
        out.alternatives = [
            text
            for rule, text in _RETENTION_HINTS.items()
            if all(actual[d][i_ret] == rules[rule].get(d, 0) for d in wrong)
        ]
        if not out.alternatives and soft:
            out.notes.append("retained_users: count the cohort's users with at least one event on signup_date + 1.")
    elif not out.notes and both and soft:
        out.notes.append("retention_rate is retained_users / cohort_size, as a fraction rounded to 4 decimals.")
    return out


# --------------------------------------------------------------------------- sql-top-campaigns-ctr


@dataclass(frozen=True)
class _Campaign:
    advertiser: int
    campaign: int
    day_n: int
    day_k: int
    all_n: int
    all_k: int
    day_users: int


@cache
def _campaigns(dataset: Dataset) -> tuple[_Campaign, ...]:
    acc: dict[int, dict[str, Any]] = defaultdict(lambda: {"adv": 0, "n": 0, "k": 0, "an": 0, "ak": 0, "u": set()})
    for a in dataset.dicts("ads_impressions"):
        f = acc[a["campaign_id"]]
        f["adv"] = a["advertiser_id"]
        f["an"] += 1
        f["ak"] += bool(a["clicked"])
        if a["event_date"] == CTR_DAY:
            f["n"] += 1
            f["k"] += bool(a["clicked"])
            if a["user_id"] is not None:
                f["u"].add(a["user_id"])
    return tuple(
        _Campaign(f["adv"], camp, f["n"], f["k"], f["an"], f["ak"], len(f["u"])) for camp, f in sorted(acc.items())
    )


def _ranked(
    dataset: Dataset,
    *,
    all_days: bool = False,
    strict: bool = False,
    no_threshold: bool = False,
    method: str = "row_number",
    tie_desc: bool = False,
    per_advertiser: bool = True,
    rounded: bool = False,
) -> frozenset[tuple[int, int, int]]:
    """(advertiser, campaign, rank) of one variant of the ranking."""
    from fractions import Fraction

    pool = []
    for c in _campaigns(dataset):
        n, k = (c.all_n, c.all_k) if all_days else (c.day_n, c.day_k)
        if n == 0:
            continue
        if not no_threshold and (n <= CTR_MIN_IMPRESSIONS if strict else n < CTR_MIN_IMPRESSIONS):
            continue
        ctr = Fraction(k, n)
        if rounded:  # half up to 4 decimals, as ROUND does on these positive rates
            ctr = Fraction(int(ctr * 10_000 + Fraction(1, 2)), 10_000)
        pool.append((c.advertiser, c.campaign, ctr))
    groups: dict[int, list[tuple[int, int, Fraction]]] = defaultdict(list)
    for row in pool:
        groups[row[0] if per_advertiser else 0].append(row)
    out: set[tuple[int, int, int]] = set()
    for rows in groups.values():
        rows.sort(key=lambda r: (-r[2], -r[1] if tie_desc else r[1]))
        prev, rank, dense = None, 0, 0
        for pos, (adv, camp, ctr) in enumerate(rows, start=1):
            if ctr != prev:
                rank, dense, prev = pos, dense + 1, ctr
            r = {"row_number": pos, "rank": rank, "dense_rank": dense}[method]
            if r <= 3:
                out.add((adv, camp, r))
    return frozenset(out)


_CTR_MISTAKES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("'At least 1000 impressions' includes exactly 1000: use >= 1000, not > 1000.", {"strict": True}),
    ("Count only 2026-11-22: filter event_date before counting impressions and clicks.", {"all_days": True}),
    ("Leave out campaigns with fewer than 1000 impressions that day before ranking.", {"no_threshold": True}),
    (
        "RANK() gives tied campaigns the same rank (and can return more than 3 rows): use ROW_NUMBER() "
        "and break ties by the lower campaign_id.",
        {"method": "rank"},
    ),
    (
        "DENSE_RANK() gives tied campaigns the same rank (and can return more than 3 rows): use ROW_NUMBER() "
        "and break ties by the lower campaign_id.",
        {"method": "dense_rank"},
    ),
    ("Ties in CTR are broken by the lower campaign_id (ORDER BY ctr DESC, campaign_id ASC).", {"tie_desc": True}),
    ("The top 3 is per advertiser: rank within PARTITION BY advertiser_id.", {"per_advertiser": False}),
    (
        "Rank on the exact clicks / impressions and round only the ctr you return: ranking on the rounded "
        "value turns rates that differ in the fifth decimal into ties.",
        {"rounded": True},
    ),
)


def _ctr(c: Comparison, dataset: Dataset, soft: bool) -> Diagnosis:
    i_adv, i_camp, i_rank = _col(c, "advertiser_id"), _col(c, "campaign_id"), _col(c, "rank")
    i_imp, i_clk = _col(c, "impressions"), _col(c, "clicks")
    got = frozenset((r[i_adv], r[i_camp], r[i_rank]) for r in c.actual)
    result = Diagnosis()
    out = result.notes
    if got != frozenset((r[i_adv], r[i_camp], r[i_rank]) for r in c.expected):
        result.alternatives = [h for h, kw in _CTR_MISTAKES if _ranked(dataset, **kw) == got]
    ranks = [r[i_rank] for r in c.actual]
    if ranks and not result.alternatives and not all(isinstance(r, int) and 1 <= r <= 3 for r in ranks):
        out.append("rank runs from 1 to 3 within each advertiser: keep the top 3, numbered from 1.")
    facts = {x.campaign: x for x in _campaigns(dataset)}
    wrong_n = [r for r in c.actual if (f := facts.get(r[i_camp])) is not None and r[i_imp] != f.day_n]
    if wrong_n and all(r[i_imp] == facts[r[i_camp]].day_users for r in wrong_n):
        out.append("impressions counts distinct users; it is the number of impression rows of the campaign.")
    elif wrong_n and not out and not result.alternatives and soft:
        out.append("impressions is the number of impression rows of the campaign on 2026-11-22.")
    wrong_k = [r for r in c.actual if (f := facts.get(r[i_camp])) is not None and r[i_clk] != f.day_k]
    if wrong_k and not wrong_n and not out and not result.alternatives and soft:
        out.append("clicks is the number of that day's impression rows with clicked = true.")
    if (
        not out
        and not result.alternatives
        and soft
        and got != frozenset((r[i_adv], r[i_camp], r[i_rank]) for r in c.expected)
    ):
        out.append(
            "Rank each advertiser's campaigns (>= 1000 impressions that day) by clicks / impressions, highest "
            "first, ties to the lower campaign_id, and keep ranks 1 to 3."
        )
    return result


_DIAGNOSERS: dict[str, Callable[[Comparison, Dataset, bool], Diagnosis]] = {
    "sql-reels-not-feed": _reels,
    "sql-d1-retention": _retention,
    "sql-top-campaigns-ctr": _ctr,
}
