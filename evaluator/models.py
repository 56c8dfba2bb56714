"""The one schema: rubrics, questions, transcripts and reports.

Every other part (YAML loading, the CLI's JSON, the LLM's structured output, the app) goes
through these models so that a field means the same thing everywhere. The report models follow
``shared/CONTRACT.md`` exactly; extra keys are allowed only where the contract says "extend".
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Dimension = Literal["scale", "product_sense", "ownership", "tradeoffs"]
Round = Literal["sql", "modeling", "product_sense", "ownership"]
Recommendation = Literal["strong_no_hire", "no_hire", "hire", "strong_hire"]
Flag = Literal[
    "empty_answer",
    "off_topic",
    "keyword_stuffing",
    "prompt_injection",
    "truncated",
    "llm_unavailable",
    "llm_disagreement",
    "unverified_evidence",
]
Mode = Literal["deterministic", "llm"]

DIMENSIONS: tuple[Dimension, ...] = ("scale", "product_sense", "ownership", "tradeoffs")
ROUNDS: tuple[Round, ...] = ("sql", "modeling", "product_sense", "ownership")
DIMENSION_TITLES: dict[str, str] = {
    "scale": "Scale thinking",
    "product_sense": "Product sense",
    "ownership": "Ownership",
    "tradeoffs": "Trade-off articulation",
}


class _Strict(BaseModel):
    """Authoring models reject unknown keys so a typo in YAML is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- rubric


class Concept(_Strict):
    """An idea a good answer expresses, recognised by paraphrase-tolerant regexes.

    Patterns are case-insensitive Python regexes matched against prose sentences only, so a
    bare list of terms does not earn credit.
    """

    id: str
    label: str
    dimension: Dimension
    patterns: list[str] = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0)

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(f"pattern {p!r} is not a valid regex: {exc}") from exc
        return patterns


class Signal(_Strict):
    """A deterministic check, by registered name, that supports a criterion."""

    check: str
    params: dict[str, Any] = Field(default_factory=dict)
    weight: float = Field(default=1.0, gt=0)


class Criterion(_Strict):
    """One thing the rubric looks for, on one dimension, with anchors for every level."""

    id: str
    dimension: Dimension
    title: str
    description: str = ""
    weight: float = Field(default=1.0, gt=0)
    levels: dict[int, str]
    signals: list[Signal] = Field(min_length=1)

    @field_validator("levels")
    @classmethod
    def _all_levels(cls, levels: dict[int, str]) -> dict[int, str]:
        missing = [lvl for lvl in (1, 2, 3, 4) if not str(levels.get(lvl, "")).strip()]
        if missing:
            raise ValueError(f"missing level anchors for level(s) {missing}; every criterion needs 1, 2, 3 and 4")
        extra = sorted(set(levels) - {1, 2, 3, 4})
        if extra:
            raise ValueError(f"unknown level(s) {extra}; levels are 1..4")
        return levels


class Penalty(_Strict):
    """A red flag: when its check fires, the dimension loses ``points`` (never below 1)."""

    check: str
    dimension: Dimension
    points: int = Field(default=1, ge=1, le=3)
    params: dict[str, Any] = Field(default_factory=dict)


class Cap(_Strict):
    """A ceiling: when the check does *not* pass, the dimension is at most ``max_score``."""

    check: str
    dimension: Dimension
    max_score: int = Field(ge=1, le=3)
    params: dict[str, Any] = Field(default_factory=dict)


class Rubric(_Strict):
    """A round's rubric. ``dimensions`` maps each assessed dimension to its weight."""

    id: str
    round: Round
    version: str
    title: str
    description: str = ""
    dimensions: dict[Dimension, float]
    criteria: list[Criterion] = Field(min_length=1)
    penalties: list[Penalty] = Field(default_factory=list)
    caps: list[Cap] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        if not self.dimensions:
            raise ValueError("dimensions: a rubric must assess at least one dimension")
        bad = {d: w for d, w in self.dimensions.items() if w <= 0}
        if bad:
            raise ValueError(f"dimensions: weights must be positive, got {bad}")
        total = sum(self.dimensions.values())
        if abs(total - 1.0) > 0.01:
            raise ValueError(f"dimensions: weights sum to {total:g}; they must sum to 1")
        ids = [c.id for c in self.criteria]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"criteria: duplicate ids {dupes}")
        for c in self.criteria:
            if c.dimension not in self.dimensions:
                raise ValueError(
                    f"criteria: {c.id!r} is on dimension {c.dimension!r}, which this rubric does not assess"
                )
        uncovered = [d for d in self.dimensions if not any(c.dimension == d for c in self.criteria)]
        if uncovered:
            raise ValueError(f"dimensions: {uncovered} assessed but no criterion covers them")
        return self


# --------------------------------------------------------------------------- question bank


class SqlSpec(_Strict):
    """What a SQL question's result must look like; the reference query lives in code."""

    columns: list[str]
    order_matters: bool = False
    rounding: int | None = None


class Question(_Strict):
    id: str
    round: Round
    title: str
    prompt: str
    time_limit_minutes: int = Field(gt=0, le=120)
    topic_patterns: list[str] = Field(
        min_length=1, description="regexes of which at least one must occur for the answer to be on topic"
    )
    concepts: list[Concept] = Field(default_factory=list)
    follow_ups: list[str] = Field(min_length=2, max_length=4)
    model_answer: list[str] = Field(min_length=1, description="outline shown only after grading")
    sql: SqlSpec | None = None

    @model_validator(mode="after")
    def _sql_spec(self) -> Question:
        if self.round == "sql" and self.sql is None:
            raise ValueError("sql: SQL questions need a 'sql' block (result columns)")
        if self.round != "sql" and self.sql is not None:
            raise ValueError("sql: only SQL questions take a 'sql' block")
        return self


class QuestionSummary(BaseModel):
    """The shape ``mockloop questions --json`` prints (CONTRACT.md)."""

    id: str
    round: Round
    title: str
    prompt: str
    time_limit_minutes: int


# --------------------------------------------------------------------------- report (CONTRACT.md)


class DimensionScore(BaseModel):
    score: int | None = Field(default=None, ge=1, le=4)
    rationale: str
    evidence: list[str] = Field(default_factory=list)


class Overall(BaseModel):
    score: float = Field(ge=1.0, le=4.0)
    recommendation: Recommendation


class CheckResult(BaseModel):
    id: str
    passed: bool
    detail: str = ""


class SqlResult(BaseModel):
    correct: bool
    dialect: Literal["duckdb", "presto"]
    error: str | None = None
    expected_rows: int = 0
    actual_rows: int = 0
    feedback: str = ""


class CriterionVerdict(BaseModel):
    """Extension: how each criterion was judged, so the app can explain every point."""

    id: str
    dimension: Dimension
    title: str
    level: int | None = Field(default=None, ge=1, le=4)
    rationale: str = ""
    evidence: list[str] = Field(default_factory=list)
    source: Literal["deterministic", "llm"] = "deterministic"


class Report(BaseModel):
    question_id: str
    round: Round
    mode: Mode
    dimensions: dict[Dimension, DimensionScore]
    overall: Overall
    checks: list[CheckResult] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    sql: SqlResult | None = None
    # Extensions beyond the contract (allowed: "extend freely").
    rubric_version: str | None = None
    criteria: list[CriterionVerdict] = Field(default_factory=list)
    missed_concepts: list[str] = Field(default_factory=list)
    top_gap: str | None = None
    notes: list[str] = Field(default_factory=list)
    usage: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _all_dimensions(self) -> Report:
        missing = [d for d in DIMENSIONS if d not in self.dimensions]
        if missing:
            raise ValueError(f"dimensions: missing {missing}")
        return self

    def contract_dict(self) -> dict[str, Any]:
        """The JSON object other tools parse, with dimensions in contract order."""
        data = self.model_dump(mode="json")
        data["dimensions"] = {d: data["dimensions"][d] for d in DIMENSIONS}
        return data


# --------------------------------------------------------------------------- transcripts


class Transcript(BaseModel):
    """A saved attempt: what the app autosaves and what ``mockloop batch`` grades."""

    model_config = ConfigDict(extra="ignore")

    question_id: str
    answer: str = ""
    sql_note: str | None = Field(default=None, description="SQL round: the written scaling discussion")
    candidate: str | None = None
    started_at: str | None = None
    submitted_at: str | None = None
    elapsed_seconds: float | None = None
    overrun_seconds: float | None = None
    status: Literal["draft", "submitted", "graded"] = "submitted"
    report: Report | None = None
    # Extensions written by the app (all optional so hand-written transcripts stay valid).
    id: str | None = Field(default=None, description="attempt id; the app names the file <id>.json")
    mode: Literal["single", "full_loop"] | None = None
    loop_id: str | None = Field(default=None, description="full loop: shared by its four attempts")
    loop_index: int | None = Field(default=None, ge=0, description="full loop: 0-based position")
    loop_plan: list[str] | None = Field(default=None, description="full loop: the question ids, in order")
    time_limit_minutes: int | None = Field(default=None, gt=0)
    updated_at: str | None = None
    auto_submitted: bool | None = None
    overrun_text: str | None = Field(default=None, description="typed after time ran out; kept, not graded")
    follow_up_question: str | None = None
    follow_up_answer: str | None = None
    follow_up_report: Report | None = None
    grading_error: str | None = Field(default=None, description="why grading failed; the attempt is kept")


# --------------------------------------------------------------------------- calibration gold set


GoldSplit = Literal["development", "holdout"]


class GoldScore(BaseModel):
    score: int = Field(ge=1, le=4)
    rationale: str = ""


class GoldAnswer(BaseModel):
    """An answer scored by experts (rubrics/gold/*.yaml); coaches' overrides use the same shape."""

    model_config = ConfigDict(extra="ignore")

    id: str
    question_id: str
    grader: str = "expert-panel"
    # "development": consulted while the checks were written, so its figures are optimistic;
    # "holdout": written blind and graded only to measure, never to tune.
    split: GoldSplit = "development"
    answer: str
    scores: dict[Dimension, GoldScore]
    recommendation: Recommendation | None = None
    sql_correct: bool | None = None

    @property
    def group(self) -> str:
        """The split for expert files; "coach" for coaches' overrides, whatever they say."""
        return "coach" if self.grader.startswith("coach:") else self.split


class SecondRating(BaseModel):
    """One gold answer scored again by an independent rater (``rubrics/interrater/``)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    scores: dict[Dimension, Annotated[int, Field(ge=1, le=4)]]
    recommendation: Recommendation | None = None
    sql_correct: bool | None = None
    note: str = ""


class SecondRater(BaseModel):
    """A file of second ratings: what human-human agreement is measured on."""

    model_config = ConfigDict(extra="forbid")

    rater: str
    ratings: list[SecondRating]

