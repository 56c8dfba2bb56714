"""Back-of-envelope numbers: find quantities with units and check the derivation chain.

Senior candidates state the scale unprompted and derive it (3B users x 200 events = 600B
events/day, about 7M/s). An order-of-magnitude slip in that chain is a real interview signal,
so it is checked, not just the presence of digits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from evaluator.checks._match import ladder
from evaluator.checks.registry import AnswerContext, Finding, check
from evaluator.text import Sentence

_MULT = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mm": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "billions": 1e9,
    "t": 1e12,
    "trillion": 1e12,
    "trillions": 1e12,
}
_BYTES = {
    "b": 1,
    "byte": 1,
    "bytes": 1,
    "kb": 1e3,
    "mb": 1e6,
    "gb": 1e9,
    "tb": 1e12,
    "pb": 1e15,
    "eb": 1e18,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
    "pib": 1024**5,
}
_PER_SEC = r"(?:/\s?s(?:ec)?\b|per\s+sec(?:ond)?s?|a\s+sec(?:ond)?|each\s+second|\s?qps|\s?rps|\s?eps)"
_PER_DAY = r"(?:/\s?d(?:ay)?\b|per\s+day|a\s+day|each\s+day|daily|every\s+day|/24h)"
_PER_YEAR = r"(?:/\s?y(?:ea)?r\b|per\s+year|a\s+year|each\s+year|yearly|annually|every\s+year)"
_NUM = r"(?<![\w.])(~|about\s+|around\s+|roughly\s+|approx(?:imately|\.)?\s*)?(\d++(?:[.,]\d++)*+)\s*"
_NUM += r"(k|thousand|mm|mn|m|million|millions|bn|b|billion|billions|t|trillion|trillions)?\b"
_QUANTITY = re.compile(
    _NUM
    + r"""\s*(?:x\s*)?(?P<unit>
        (?:[kmgtpe]i?b|bytes?)(?!\w)
        |(?:(?:daily|monthly|weekly)\s+(?:active\s+)?)?users?|dau|mau|people|accounts|members
        |(?:\w+\s){0,2}?(?:events?|impressions?|clicks?|requests?|messages?|records?|rows?|writes?|reads?
           |queries|views?|likes?|posts?|photos?|updates?|edges?|actions?)
        |advertisers?|campaigns?|ads\b
        |qps|rps|eps
    )?""",
    re.IGNORECASE | re.VERBOSE,
)


_PER_UNIT = re.compile(r"\s*(?:per|/|a|each|for\s+each)\s*(?:active\s+)?(?:users?|person|dau|people|member)\b", re.I)


@dataclass(frozen=True)
class Quantity:
    value: float
    kind: str  # users | events | bytes | entities | unknown
    per: str | None  # s | day | year | None
    text: str
    sentence: Sentence


def _per(after: str) -> str | None:
    after = after[:40]
    for per, pat in (("s", _PER_SEC), ("day", _PER_DAY), ("year", _PER_YEAR)):
        if re.match(r"\s*(?:\w+\s){0,2}?" + pat, after, re.IGNORECASE):
            return per
    return None


def _to_float(raw: str) -> float | None:
    raw = raw.replace(",", "") if re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw) else raw.replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        return None


_UNITS = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"),
    *("thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"),
)
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_WORD_NUMBERS = {w: i for i, w in enumerate(_UNITS)} | _TENS | {"a": 1, "an": 1}
_SPELLED = re.compile(
    r"\b(?P<n>" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")(?:-?ish)?"
    r"(?P<h>\s+hundred)?\s+(?P<m>thousand|million|billion|trillion)\b"
    r"|\b(?P<n2>" + "|".join(sorted(set(_WORD_NUMBERS) - {"a", "an"}, key=len, reverse=True)) + r")(?:-?ish)?"
    r"\s+(?P<u>kilo|mega|giga|tera|peta|exa)bytes?\b"
    r"|\bhalf an? (?P<u2>kilo|mega|giga|tera|peta|exa)byte\b"
    r"|\b(?P<u3>kilo|mega|giga|tera|peta|exa)bytes?\b",
    re.IGNORECASE,
)
_SPELLED_WORDS = ("thousand", "million", "billion", "trillion", "byte")  # words without which spell_digits has nothing to rewrite
_PREFIX = {"kilo": "KB", "mega": "MB", "giga": "GB", "tera": "TB", "peta": "PB", "exa": "EB"}


def _spelled_out(m: re.Match[str]) -> str:
    if m.group("n"):
        n = _WORD_NUMBERS[m.group("n").lower()] * (100 if m.group("h") else 1)
        return f"{n} {m.group('m')}"
    if m.group("n2"):
        return f"{_WORD_NUMBERS[m.group('n2').lower()]} {_PREFIX[m.group('u').lower()]}"
    if m.group("u2"):
        return f"0.5 {_PREFIX[m.group('u2').lower()]}"
    return _PREFIX[m.group("u3").lower()]


def spell_digits(text: str) -> str:
    """Numbers said in words, as candidates speak ("a hundred billion ads", "fifty-ish terabytes",
    "half a gigabyte a second"), written as figures so the same parser reads them."""
    lower = text.lower()
    if not any(w in lower for w in _SPELLED_WORDS):  # most sentences: skip the long alternation
        return text
    return _SPELLED.sub(_spelled_out, text)


def find_quantities(sentences: list[Sentence]) -> list[Quantity]:
    """Quantities with a magnitude word or a unit; bare small numbers ("3 steps") are ignored."""
    out: list[Quantity] = []
    for s in sentences:
        text = spell_digits(s.text)
        for m in _QUANTITY.finditer(text):
            value = _to_float(m.group(2))
            if value is None:
                continue
            mult_word = (m.group(3) or "").lower()
            unit = (m.group("unit") or "").lower().strip()
            if not unit and not mult_word:
                continue
            if re.fullmatch(r"(19|20)\d\d", m.group(2)) and not mult_word:
                continue  # a year, not a quantity
            kind = "unknown"
            if re.fullmatch(r"[kmgtpe]i?b|bytes?", unit):
                if mult_word == "b" and unit == "":
                    pass
                kind = "bytes"
                value *= _BYTES.get(unit, 1)
                if mult_word:
                    value *= _MULT[mult_word]
            else:
                # "5B" or "5 b" is billions unless followed by a byte unit (handled above).
                if mult_word:
                    value *= _MULT[mult_word]
                if re.search(r"users?|dau|mau|people|accounts|members", unit):
                    kind = "users"
                elif re.search(r"advertisers?|campaigns?|ads", unit):
                    kind = "entities"
                elif unit in {"qps", "rps", "eps"} or unit:
                    kind = "events"
            after = text[m.end() :]
            if kind in {"events", "unknown"} and _PER_UNIT.match(after):
                continue  # "200 events per user" is a ratio, not a volume
            per = "s" if unit in {"qps", "rps", "eps"} else _per(after)
            if kind == "unknown" and per is None and value < 1e5:
                continue
            out.append(Quantity(value, kind, per, m.group(0).strip(), s))
    return out


def quantities(ctx: AnswerContext) -> list[Quantity]:
    if "quantities" not in ctx.memo:
        ctx.memo["quantities"] = find_quantities(ctx.sentences)
    return ctx.memo["quantities"]


def _category(q: Quantity) -> str:
    if q.kind == "users":
        return "users"
    if q.kind == "bytes":
        if q.per == "s":
            return "throughput (bytes/s)"
        if q.per in {"day", "year"}:
            return "storage growth (bytes/day or /year)"
        return "bytes per record or total size"
    if q.kind == "entities":
        return "advertisers/campaigns"
    if q.per == "s":
        return "rate (per second)"
    if q.per == "day":
        return "volume (per day)"
    if q.per == "year":
        return "volume (per year)"
    return "counts"


@check("states_scale_numbers")
def states_scale_numbers(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """Distinct kinds of scale figures the answer states (users, per-day volume, per-second rate,
    record size, throughput, storage growth).

    "Designs for 1,000 users" and "no numbers" are the classic failure; several linked figures
    are what a senior answer gives without being asked.
    """
    qs = quantities(ctx)
    cats: dict[str, Quantity] = {}
    for q in qs:
        cats.setdefault(_category(q), q)
    strength = ladder(len(cats), [0.3, 0.55, 0.75, 0.9, 1.0])
    detail = f"{len(cats)} kind(s) of scale figures"
    if cats:
        detail += ": " + "; ".join(f"{c} ({q.text})" for c, q in cats.items())
    evidence = sorted({q.sentence for q in cats.values()}, key=lambda s: s.start)
    return Finding(len(cats) >= int(params.get("min_kinds", 2)), strength, detail, evidence)


@check("scale_up_front")
def scale_up_front(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """Whether scale is stated early (first third of the answer) rather than as an afterthought."""
    qs = quantities(ctx)
    if not qs or not ctx.answer:
        return Finding(False, 0.0, "no scale figures stated")
    first = min(qs, key=lambda q: q.sentence.start)
    position = first.sentence.start / max(1, len(ctx.answer))
    early = position <= float(params.get("within", 0.34))
    detail = f"first scale figure at {position:.0%} of the answer ({first.text})"
    return Finding(early, 1.0 if early else 0.4, detail, [first.sentence])


_DAY = 86_400
_RATIOS = [  # (from category, to category, expected to/from)
    (("events", "day"), ("events", "s"), 1 / _DAY),
    (("bytes", "s"), ("bytes", "day"), _DAY),
    (("bytes", "day"), ("bytes", "year"), 365),
]


def _magnitude_slip(expected: float, actual: float) -> float:
    return abs(math.log10(actual / expected)) if expected > 0 and actual > 0 else 0.0


@check("derivation_consistent")
def derivation_consistent(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """Whether linked figures agree: per-day vs per-second (x86,400), bytes/s vs bytes/day,
    bytes/day vs bytes/year, users x events per user vs events per day.

    Fails only on an order-of-magnitude slip (a factor of ten or more off), which is the error
    interviewers notice; rounding like "600B/day is about 7M/s" passes.
    """
    qs = quantities(ctx)
    checked: list[str] = []
    slips: list[str] = []
    evidence: list[Sentence] = []
    for src, dst, factor in _RATIOS:
        a = [q for q in qs if (q.kind, q.per) == src]
        b = [q for q in qs if (q.kind, q.per) == dst]
        if not a or not b:
            continue
        # pair each target with the closest-in-text source: chains are written in order
        for qb in b:
            qa = min(a, key=lambda q: abs(q.sentence.start - qb.sentence.start))
            slip = _magnitude_slip(qa.value * factor, qb.value)
            pair = f"{qa.text} -> {qb.text}"
            if slip >= 1.0:
                slips.append(f"{pair} is off by about {10**slip:.0f}x")
                evidence.extend([qa.sentence, qb.sentence])
            else:
                checked.append(pair)
                evidence.append(qb.sentence)
    users = [q for q in qs if q.kind == "users"]
    per_day = [q for q in qs if q.kind == "events" and q.per == "day"]
    per_user = re.compile(
        r"(?<![\d.])(\d++(?:\.\d+)?)\s*(?:events?|actions?|impressions?)?\s*(?:per|/|a|each)\s*(?:user|person|dau)",
        re.I,
    )
    for s in ctx.sentences:
        m = per_user.search(s.text)
        if m and users and per_day:
            u = min(users, key=lambda q: abs(q.sentence.start - s.start))
            d = min(per_day, key=lambda q: abs(q.sentence.start - s.start))
            slip = _magnitude_slip(u.value * float(m.group(1)), d.value)
            pair = f"{u.text} x {m.group(1)} per user -> {d.text}"
            (slips if slip >= 1.0 else checked).append(
                pair if slip < 1.0 else f"{pair} is off by about {10**slip:.0f}x"
            )
            evidence.append(s)
            break
    ev = sorted(set(evidence), key=lambda s: s.start)
    if slips:
        return Finding(False, 0.0, "order-of-magnitude slip: " + "; ".join(slips), ev)
    if checked:
        return Finding(True, 1.0, "derivation consistent: " + "; ".join(checked), ev)
    return Finding(True, 0.3, "no linked figures to cross-check")
