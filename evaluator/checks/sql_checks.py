"""Deterministic checks for the SQL round.

Correctness comes from running the query (``evaluator.sql``), once per answer: the
``SqlResult`` is cached in ``ctx.memo["sql_result"]`` and shared by every check. The other
checks read the parsed query (scale signals) and the candidate's written note: the text after a
``---`` line plus any SQL comments, where candidates usually answer "how does this scale to 100B
rows?". Evidence is always a span of ``ctx.answer``.

Module-level imports stay light (no DuckDB or sqlglot): ``evaluator.sql`` is imported inside
the checks, so registering them costs nothing on the CLI's cold path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from evaluator.checks.registry import AnswerContext, Finding, check
from evaluator.text import Sentence, split_sentences

if TYPE_CHECKING:
    from evaluator.models import SqlResult
    from evaluator.sql.signals import QueryFeatures

_NUMBER = re.compile(
    r"(?<![\w-])(?:~|about |around )?\d[\d,.]*\s*(?:%|x\b|[kmbt]\b|thousand|million|billion|trillion|"
    r"[kmgtp]i?b\b|rows?\b|partitions?\b|days?\b|hours?\b|buckets?\b|nodes?\b|workers?\b|bytes?\b|files?\b)",
    re.I,
)

# Distinct scaling ideas for "how does this scale to 100B rows?", each recognised by paraphrases.
SCALE_IDEAS: dict[str, re.Pattern[str]] = {
    "partition pruning": re.compile(
        r"partition(?:s|ed|ing)?\b[^.]{0,60}\b(?:prun|filter|event_date|date|day|hour)|\bprun\w*\b[^.]{0,40}partition"
        r"|\bdate[- ]partition|\bpartition pruning",
        re.I,
    ),
    "pre-aggregation": re.compile(
        r"pre-?aggregat|\broll-?ups?\b|summary tables?|aggregate(?:d)? tables?|materiali[sz]ed views?"
        r"|daily (?:agg\w*|summar\w*|rollups?)|\bcubes?\b",
        re.I,
    ),
    "approximate distinct": re.compile(
        r"approx(?:imate)?[_ ](?:count[_ ])?distinct|hyper-?log-?log|\bhll\b|approx_set|\bsketch(?:es)?\b", re.I
    ),
    "bucketing or clustering": re.compile(
        r"\bbucket(?:s|ed|ing)?\b|\bcluster(?:ed|ing)?\s+(?:by|on)\b|\bz-?order|sort(?:ed)? by (?:user_id|campaign_id)"
        r"|co-?locat",
        re.I,
    ),
    "avoiding shuffles": re.compile(
        r"broadcast|replicated join|map-?side join|\bshuffl\w*|filter\w* (?:early|first|before (?:the )?join)", re.I
    ),
    "skew handling": re.compile(r"\bskew\w*|hot (?:keys?|partitions?|users?|campaigns?)|\bsalt(?:ing|ed)?\b", re.I),
    "incremental processing": re.compile(
        r"\bincremental\w*|only (?:the )?new (?:partitions?|data|days?)|append-only|late-arriving|\bbackfill\w*", re.I
    ),
    "columnar reads": re.compile(
        r"\bcolumnar\b|\bparquet\b|\borc\b|column pruning|predicate push-?down|only (?:the )?(?:needed|required) columns",
        re.I,
    ),
}

_CHOICE = re.compile(
    r"\b(?:rather than|instead of|in place of|as opposed to|compared (?:to|with)|versus|vs\.?|trade-?offs?"
    r"|alternatively|the alternative|chose|choose|chosen|prefer(?:red)?|opted|over (?:a |an |the )?"
    r"(?:full|exact|left|inner|self|cross|broadcast|correlated|window|join|subquery|count))\b"
    # "row_number, not rank()", "use the rollup instead", "I wouldn't re-cluster", a counterfactual
    # ("ranking on the rounded value would ..."), and when the choice would flip ("if it were hourly, I'd ...")
    r"|\w\)?, not \w|\binstead\b|\b(?:I|we) (?:wouldn'?t|would not)\b"
    r"|\bwould (?:turn|make|break|double|cost|lose|drop|miss)\b"
    r"|\bif\b.{3,80}\b(?:I'?d|we'?d|I would|we would)\b|\bwhat (?:we|I|you) give up\b"
    # plain comparisons: "I'd rather ... than", "cheaper than a new table", "two ways to ...",
    # "the anti-join version would ..."
    r"|\brather\b.{1,80}\bthan\b|\b(?:cheaper|faster|slower|simpler|safer|smaller|more \w+|less \w+) than\b"
    r"|\b(?:two|three|several|a few) (?:ways|options|approaches|choices)\b"
    r"|\bthe (?:other|[\w-]+) (?:version|approach|option|variant)\b",
    re.I,
)
_COST = re.compile(
    r"\b(?:because|since|so that|which (?:means|avoids|costs|needs|requires)|at the (?:cost|expense|price) of"
    r"|costs?|costly|downside|drawback|but|slower|faster|cheaper|expensive|error|accura\w*|memory|shuffl\w*"
    r"|latency|spills?|exact|avoids?|so (?:that|we|I|ties|each|no|nothing|nobody)|lose|loses|give up|can'?t|won'?t"
    r"|accept|wrong|breaks?|risk\w*|worth|noisy|catch)\b",
    re.I,
)
_PARTITION_PREDICATE = re.compile(
    r"event_date\s*(?:=|>=|<=|<>|!=|<|>|\bbetween\b|\bin\b)|(?:=|>=|<=|<|>)\s*\w+\.event_date\b", re.I
)


# --------------------------------------------------------------------------- shared, memoised views


def _question_id(ctx: AnswerContext) -> str:
    return ctx.question.id


def _query(ctx: AnswerContext) -> str:
    """The query; if the caller did not split the answer, split it here (same rule as the CLI)."""
    if ctx.sql_query is not None:
        return ctx.sql_query
    from evaluator.sql.answer import split_sql_answer

    return split_sql_answer(ctx.answer or "")[0]


def _is_sql_question(ctx: AnswerContext) -> bool:
    from evaluator.sql.spec import SQL_QUESTIONS

    return _question_id(ctx) in SQL_QUESTIONS


def _sql_result(ctx: AnswerContext) -> SqlResult:
    if "sql_result" not in ctx.memo:
        from evaluator.sql import grade_sql

        ctx.memo["sql_result"] = grade_sql(_question_id(ctx), _query(ctx), note=ctx.sql_note or "")
    return ctx.memo["sql_result"]


def _features(ctx: AnswerContext) -> QueryFeatures:
    if "sql_features" not in ctx.memo:
        from evaluator.sql import query_features

        ctx.memo["sql_features"] = query_features(_query(ctx))
    return ctx.memo["sql_features"]


def note_units(ctx: AnswerContext) -> list[tuple[Sentence, bool]]:
    """The note's sentences, each with whether it is a span of ``ctx.answer`` (usable as evidence).

    The note is the text after the ``---`` line plus every SQL comment; sentences come from
    ``ctx.sentences`` (so excluded, injected sentences stay excluded) clipped to those regions,
    which keeps a trailing ``-- comment`` separate from the code on its line.
    """
    if "sql_note_units" in ctx.memo:
        return ctx.memo["sql_note_units"]
    from evaluator.sql.answer import answer_layout

    answer = ctx.answer or ""
    regions = answer_layout(answer).note_regions()
    units: dict[tuple[int, int], Sentence] = {}
    for s in ctx.sentences:
        for a, b in regions:
            lo, hi = max(s.start, a), min(s.end, b)
            while lo < hi and (answer[lo].isspace() or answer[lo] in "-*/"):
                lo += 1
            while hi > lo and answer[hi - 1].isspace():
                hi -= 1
            for line_lo, line_hi in _lines(answer, lo, hi):
                units[(line_lo, line_hi)] = Sentence(answer[line_lo:line_hi], line_lo, line_hi)
    out: list[tuple[Sentence, bool]] = [(u, True) for _, u in sorted(units.items())]
    note = (ctx.sql_note or "").strip()
    if note and not regions and note not in answer:
        # The note came separately and is not part of the answer text: score it, quote nothing.
        out = [(s, False) for s in split_sentences(note)]
    ctx.memo["sql_note_units"] = out
    return out


def _lines(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Non-empty lines of ``text[lo:hi]``, trimmed: notes are often one thought per line."""
    out: list[tuple[int, int]] = []
    start = lo
    while start < hi:
        end = text.find("\n", start, hi)
        end = hi if end < 0 else end
        a, b = start, end
        while a < b and (text[a].isspace() or text[a] in "-*/"):
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
        start = end + 1
    return out


def _explains(s: Sentence) -> bool:
    """At least a short clause, not a comma-separated list of terms (keyword stuffing)."""
    words = s.words
    if len(words) < 4:
        return False
    segments = [seg for seg in re.split(r"[,;/|]", s.text) if seg.strip()]
    return not (len(segments) >= 4 and len(words) / len(segments) < 3)


def _not_sql(ctx: AnswerContext) -> Finding:
    return Finding(False, 0.0, f"{_question_id(ctx)} is not a SQL question")


# --------------------------------------------------------------------------- checks


@check("sql_correct")
def sql_correct(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """The query returns exactly the reference result on the sample and every hidden dataset.

    In the SQL round correctness comes first: the query is run, never read, so a query that
    looks right but double-counts, drops zero rows or mishandles ties does not pass.
    """
    if not _is_sql_question(ctx):
        return _not_sql(ctx)
    result = _sql_result(ctx)
    summary = result.error or " ".join(result.feedback.splitlines()[:2])
    return Finding(result.correct, 1.0 if result.correct else 0.0, summary)


@check("sql_partition_filter")
def sql_partition_filter(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """The query restricts the partition column ``event_date`` (in WHERE, or in a join condition).

    At 100B rows the difference between scanning seven daily partitions and scanning all of
    them is the difference between seconds and hours; a date predicate is what lets Presto
    prune. ``params.allow_join`` (default true) also accepts a join predicate such as
    ``e.event_date = u.signup_date + 1``, which permits dynamic partition pruning.
    """
    if not _is_sql_question(ctx):
        return _not_sql(ctx)
    from evaluator.sql.schema import PARTITIONED_TABLES
    from evaluator.sql.spec import get_spec

    spec = get_spec(_question_id(ctx))
    if not PARTITIONED_TABLES.intersection(spec.tables):
        return Finding(True, 1.0, "the question's tables are not partitioned by event_date")
    f = _features(ctx)
    if not f.parse_ok:
        return Finding(False, 0.0, "the query could not be parsed, so no partition filter was found")
    allow_join = bool(params.get("allow_join", True))
    if f.partition_filter or (allow_join and f.partition_join):
        where = "WHERE clause" if f.partition_filter else "join condition"
        return Finding(True, 1.0, f"filters event_date in a {where}", _predicate_evidence(ctx))
    return Finding(False, 0.0, "no predicate on event_date: every date partition would be scanned")


def _predicate_evidence(ctx: AnswerContext) -> list[Sentence]:
    """The line of the query holding the event_date predicate, as an exact span of the answer."""
    answer = ctx.answer or ""
    query = _query(ctx)
    span = ctx.memo.get("sql_query_span")
    if span is not None and query and answer[span[0] : span[1]] != query:
        query = answer[span[0] : span[1]]  # its comments were folded: same length, same offsets
    base = span[0] if span is not None and query else (answer.find(query) if query else -1)
    if base < 0:
        return []
    m = _PARTITION_PREDICATE.search(query)
    if not m:
        return []
    start = answer.rfind("\n", 0, base + m.start()) + 1
    end = answer.find("\n", base + m.end())
    end = len(answer) if end < 0 else end
    while start < end and answer[start].isspace():
        start += 1
    while end > start and answer[end - 1].isspace():
        end -= 1
    return [Sentence(answer[start:end], start, end)] if end > start else []


@check("sql_structure")
def sql_structure(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """The query is shaped to run well and read well: CTEs for steps, window functions for ranking,
    no SELECT * over a table, no join without a condition.

    A ranking done with a correlated self-join or a cross join is quadratic per partition; a
    star over a wide columnar table reads every column; nested subqueries hide the steps a
    reviewer (and the interviewer) needs to follow. ``params`` may set ``expects_window`` and
    ``expects_cte`` to override the question's defaults.
    """
    if not _is_sql_question(ctx):
        return _not_sql(ctx)
    from evaluator.sql.spec import get_spec

    spec = get_spec(_question_id(ctx))
    f = _features(ctx)
    if not f.parse_ok:
        return Finding(False, 0.0, "the query could not be parsed")
    expects_window = bool(params.get("expects_window", spec.expects_window))
    expects_cte = bool(params.get("expects_cte", spec.expects_cte))
    score, good, bad = 1.0, [], []
    if f.ctes:
        good.append("CTEs name the steps")
    if f.window_functions:
        good.append("window functions")
    if f.select_star:
        score -= 0.3
        bad.append("SELECT * over a table")
    if f.cross_join:
        score -= 0.4
        bad.append("a join without a condition")
    if expects_window and not f.window_functions:
        score -= 0.3
        bad.append("ranking without a window function")
    if expects_cte and not f.ctes and f.subquery_depth >= 1:
        score -= 0.2
        bad.append("nested subqueries where CTEs would name the steps")
    if f.subquery_depth >= 3:
        score -= 0.1
        bad.append(f"subqueries nested {f.subquery_depth} deep")
    score = round(max(0.0, min(1.0, score)), 2)
    detail = "; ".join(
        x for x in ("good: " + ", ".join(good) if good else "", "issues: " + ", ".join(bad) if bad else "") if x
    )
    passed = score >= 0.7 and not f.select_star and not f.cross_join
    return Finding(passed, score, detail or "plain, well-formed query")


@check("sql_scaling_note")
def sql_scaling_note(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """The written note explains how the query scales to 100B rows with concrete techniques.

    The interviewer's follow-up is always "how does this scale?". Credit grows with distinct
    ideas (partition pruning, pre-aggregation, approximate distinct, bucketing, avoiding
    shuffles, skew, incremental processing, columnar reads) and with numbers that size them; a
    comma-separated list of buzzwords earns nothing.
    """
    if not _is_sql_question(ctx):
        return _not_sql(ctx)
    found: dict[str, Sentence] = {}
    quoted: dict[str, bool] = {}
    numbers = False
    for unit, is_span in note_units(ctx):
        if not _explains(unit):
            continue
        hits = [name for name, rx in SCALE_IDEAS.items() if name not in found and rx.search(unit.text)][:2]
        for name in hits:
            found[name], quoted[name] = unit, is_span
        if hits and _NUMBER.search(unit.text):
            numbers = True
    n = len(found)
    strength = 0.0 if n == 0 else 0.35 if n == 1 else 0.6 if n == 2 else 0.85
    if n >= 4 and numbers:
        strength = 1.0
    evidence = list(dict.fromkeys(s for name, s in found.items() if quoted[name]))
    detail = (
        f"scaling ideas: {', '.join(found)}" + (" (with numbers)" if numbers else "")
        if found
        else "no scaling discussion in the note or comments"
    )
    return Finding(n >= 2, strength, detail, evidence)


@check("sql_tradeoff_note")
def sql_tradeoff_note(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """The note or comments justify a choice against an alternative and say what it costs.

    "NOT EXISTS rather than NOT IN because a NULL user_id empties NOT IN", or "approx_distinct
    instead of COUNT(DISTINCT): ~2% error but no full shuffle" is the trade-off articulation the
    loop grades; naming one option with no alternative and no cost is not.
    """
    if not _is_sql_question(ctx):
        return _not_sql(ctx)
    justified: list[tuple[Sentence, bool]] = []
    bare = 0
    quantified = False
    units = note_units(ctx)
    for i, (unit, is_span) in enumerate(units):
        if not _explains(unit) or not _CHOICE.search(unit.text):
            continue
        # the price often follows in the next sentence: "Two ways, each with a cost: ... Cost: ..."
        after = units[i + 1][0] if i + 1 < len(units) else None
        priced = next((u for u in (unit, after) if u is not None and _COST.search(u.text)), None)
        if priced is not None:
            justified.append((unit, is_span))
            quantified = quantified or bool(_NUMBER.search(priced.text))
        else:
            bare += 1
    n = len(justified)
    if n == 0:
        strength = 0.3 if bare else 0.0
    else:
        strength = (0.6 if n == 1 else 0.7 if n == 2 else 0.85) + (0.15 if quantified else 0.0)
    evidence = [s for s, is_span in justified if is_span]
    if n:
        detail = f"{n} choice(s) justified against an alternative" + (", with a quantified cost" if quantified else "")
    elif bare:
        detail = "names an alternative but not what the choice costs or saves"
    else:
        detail = "no choice is weighed against an alternative"
    return Finding(n >= 1, round(min(strength, 1.0), 2), detail, evidence)
