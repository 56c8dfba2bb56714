"""Agreement between the grader and expert scores on the gold set (``rubrics/gold``).

The figures are the ones essay-scoring practice uses (quadratic weighted kappa, exact and
within-one agreement) plus leniency (mean signed difference), so a coach can see not just
whether the grader agrees but in which direction it errs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar, get_args

import yaml
from pydantic import BaseModel

from evaluator.bank import get_question, rubric_for
from evaluator.loader import LoadError, Problem, parse_yaml, validate_model
from evaluator.models import DIMENSIONS, Dimension, GoldAnswer, GoldScore, GoldSplit, Recommendation, SecondRater
from evaluator.paths import rubrics_dir
from evaluator.scoring import overall
from evaluator.transcripts import write_atomic


class DimensionAgreement(BaseModel):
    dimension: Dimension
    n: int
    qwk: float | None
    exact: float
    within_one: float
    mean_signed_diff: float
    confusion: list[list[int]]  # rows: expert 1..4, columns: grader 1..4


class Disagreement(BaseModel):
    gold_id: str
    question_id: str
    dimension: Dimension
    expert: int
    grader: int


class CaseResult(BaseModel):
    gold_id: str
    question_id: str
    group: str = "development"
    expert: dict[str, int]
    grader: dict[str, int | None]
    expert_overall: float
    grader_overall: float
    expert_recommendation: Recommendation | None
    grader_recommendation: Recommendation


class GroupAgreement(BaseModel):
    """Agreement on one part of the gold set (development, holdout, coach), reported apart
    because the development part was consulted while the checks were written."""

    group: str
    answers: int
    dimensions: list[DimensionAgreement]
    spearman_overall: float | None


class ModeResult(BaseModel):
    mode: str
    dimensions: list[DimensionAgreement]
    groups: list[GroupAgreement] = []
    spearman_overall: float | None
    recommendation_accuracy: float
    largest_disagreements: list[Disagreement]
    cases: list[CaseResult]


class HumanAgreement(BaseModel):
    """The expert panel against an independent second rater on the same answers: the ceiling
    a grader is judged against (essay scoring asks machine-human within 0.10 of this)."""

    rater: str
    answers: int
    dimensions: list[DimensionAgreement]
    spearman_overall: float | None
    recommendation_agreement: float | None
    sql_label_agreement: float | None


def _qwk_list(dims: Sequence[DimensionAgreement]) -> str:
    return ", ".join(f"{d.dimension} {'n/a' if d.qwk is None else f'{d.qwk:.2f}'}" for d in dims)


class CalibrationResult(BaseModel):
    gold_files: int
    coach_files: int = 0
    problems: list[str]
    modes: list[ModeResult]
    human_human: list[HumanAgreement] = []

    def summary_text(self) -> str:
        lines = [f"gold set: {self.gold_files} answer(s), of which {self.coach_files} from coaches"]
        lines += [f"problem: {p}" for p in self.problems]
        for h in self.human_human:
            qwks = _qwk_list(h.dimensions)
            sql = "" if h.sql_label_agreement is None else f"; SQL labels agree {h.sql_label_agreement:.2f}"
            agree = h.recommendation_agreement
            rec = "" if agree is None else f"; recommendations agree {agree:.2f}"
            lines.append(f"human-human (expert panel vs {h.rater}, {h.answers} answers): QWK {qwks}{rec}{sql}")
        for m in self.modes:
            lines.append(f"\n== {m.mode} mode ==")
            lines.append(f"{'dimension':15} {'n':>3} {'QWK':>6} {'exact':>6} {'+-1':>6} {'bias':>6}")
            for d in m.dimensions:
                qwk = "n/a" if d.qwk is None else f"{d.qwk:.2f}"
                figures = f"{d.exact:>6.2f} {d.within_one:>6.2f} {d.mean_signed_diff:>+6.2f}"
                lines.append(f"{d.dimension:15} {d.n:>3} {qwk:>6} {figures}")
            sp = "n/a" if m.spearman_overall is None else f"{m.spearman_overall:.2f}"
            lines.append(f"overall Spearman {sp}; recommendation accuracy {m.recommendation_accuracy:.2f}")
            for g in m.groups:
                qwks = _qwk_list(g.dimensions)
                gsp = "n/a" if g.spearman_overall is None else f"{g.spearman_overall:.2f}"
                lines.append(f"  {g.group} only ({g.answers} answers): QWK {qwks}; Spearman {gsp}")
            for d in m.largest_disagreements[:5]:
                lines.append(f"  {d.gold_id} {d.dimension}: expert {d.expert}, grader {d.grader}")
        return "\n".join(lines)


def gold_dir() -> Path:
    """The gold set: ``MOCKLOOP_GOLD_DIR``, else ``rubrics/gold`` (coaches' overrides land here too)."""
    env = os.environ.get("MOCKLOOP_GOLD_DIR")
    return Path(env) if env else rubrics_dir() / "gold"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "coach"


class DuplicateOverride(ValueError):
    """The coach already scored this very answer; ``path`` is their earlier file."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"you already scored this answer in {path.name}; replace it instead of adding a second copy")
        self.path = path


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _earlier_override(folder: Path, coach: str, question_id: str, answer: str) -> Path | None:
    """The coach's existing file for the same answer: a second copy would count it twice."""
    for f in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        if (
            isinstance(data, dict)
            and str(data.get("grader", "")).casefold() == f"coach:{coach}".casefold()
            and data.get("question_id") == question_id
            and _same_text(str(data.get("answer", "")), answer)
        ):
            return f
    return None


def record_override(
    question_id: str,
    answer: str,
    scores: dict[Dimension, GoldScore],
    coach: str,
    recommendation: Recommendation | None = None,
    folder: Path | None = None,
    replace: bool = False,
) -> Path:
    """Save a coach's own scores for an answer as a new gold file.

    The file has the gold set's shape, so the next calibration run includes it; the coach's
    name is in the file name and in ``grader`` so expert and coach scores stay distinguishable.
    The same coach scoring the same answer again raises ``DuplicateOverride`` unless ``replace``
    is set, which rewrites their earlier file; other files are never overwritten.
    """
    question = get_question(question_id)
    assessed = rubric_for(question.round).dimensions
    unknown = sorted(set(scores) - set(assessed))
    if unknown:
        raise ValueError(f"dimension(s) {unknown} are not assessed in the {question.round} round")
    if not answer.strip():
        raise ValueError("an empty answer cannot join the gold set")
    target = folder or gold_dir() / "coaches"  # kept apart from the expert panel's files
    target.mkdir(parents=True, exist_ok=True)
    earlier = _earlier_override(target, coach, question_id, answer)
    if earlier is not None and not replace:
        raise DuplicateOverride(earlier)
    if earlier is not None:
        path = earlier
    else:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        base = f"coach-{_slug(coach)}-{question_id}-{stamp}"
        path = target / f"{base}.yaml"
        n = 1
        while path.exists():
            n += 1
            path = target / f"{base}-{n}.yaml"
    entry = GoldAnswer(
        id=path.stem,
        question_id=question_id,
        grader=f"coach:{coach}",
        answer=answer,
        scores=scores,
        recommendation=recommendation,
    )
    data = entry.model_dump(mode="json", exclude_none=True)
    data.pop("split", None)  # coaches' files are their own group, whatever the default says
    write_atomic(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))
    return path


M = TypeVar("M", bound=BaseModel)


def _load_all(files: Iterable[Path], model: type[M]) -> tuple[list[M], list[Problem]]:
    """Each file validated as ``model``; a bad file is reported (file:line), not fatal."""
    out: list[M] = []
    problems: list[Problem] = []
    for f in files:
        try:
            data, node = parse_yaml(f.read_text(encoding="utf-8"), str(f))
            out.append(validate_model(model, data, node, str(f)))
        except LoadError as exc:
            problems.extend(exc.problems)
    return out, problems


def load_gold(folder: Path | None = None) -> tuple[list[GoldAnswer], list[Problem]]:
    """Every gold file (expert set and coaches' overrides)."""
    return _load_all(sorted((folder or gold_dir()).rglob("*.yaml")), GoldAnswer)


def quadratic_weighted_kappa(a: Sequence[int], b: Sequence[int], k: int = 4) -> float | None:
    """Cohen's kappa with quadratic weights on a 1..k scale; None when it is undefined."""
    n = len(a)
    if n == 0:
        return None
    observed = [[0.0] * k for _ in range(k)]
    for x, y in zip(a, b, strict=True):
        observed[x - 1][y - 1] += 1
    hist_a = [sum(row) for row in observed]
    hist_b = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * observed[i][j]
            den += w * hist_a[i] * hist_b[j] / n
    return None if den == 0 else 1.0 - num / den


def _ranks(xs: Sequence[float]) -> list[float]:
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    ranks = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for t in range(i, j + 1):
            ranks[order[t]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(a: Sequence[float], b: Sequence[float]) -> float | None:
    if len(a) < 3:
        return None
    ra, rb = _ranks(a), _ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    va = sum((x - ma) ** 2 for x in ra) ** 0.5
    vb = sum((y - mb) ** 2 for y in rb) ** 0.5
    return None if va == 0 or vb == 0 else cov / (va * vb)


def agreement(dimension: Dimension, pairs: list[tuple[int, int]]) -> DimensionAgreement:
    expert = [e for e, _ in pairs]
    grader = [g for _, g in pairs]
    n = len(pairs)
    confusion = [[0] * 4 for _ in range(4)]
    for e, g in pairs:
        confusion[e - 1][g - 1] += 1
    return DimensionAgreement(
        dimension=dimension,
        n=n,
        qwk=quadratic_weighted_kappa(expert, grader),
        exact=sum(e == g for e, g in pairs) / n if n else 0.0,
        within_one=sum(abs(e - g) <= 1 for e, g in pairs) / n if n else 0.0,
        mean_signed_diff=sum(g - e for e, g in pairs) / n if n else 0.0,
        confusion=confusion,
    )


def _group_agreement(group: str, cases: list[CaseResult]) -> GroupAgreement:
    dims = [
        agreement(d, pairs)
        for d in DIMENSIONS
        if (pairs := [(c.expert[d], g) for c in cases if d in c.expert and (g := c.grader.get(d)) is not None])
    ]
    return GroupAgreement(
        group=group,
        answers=len(cases),
        dimensions=dims,
        spearman_overall=spearman([c.expert_overall for c in cases], [c.grader_overall for c in cases]),
    )


def evaluate(gold: list[GoldAnswer], offline: bool = True) -> ModeResult:
    from evaluator.service import grade_answer

    cases: list[CaseResult] = []
    groups: dict[str, list[CaseResult]] = {}
    pairs: dict[Dimension, list[tuple[int, int]]] = {d: [] for d in DIMENSIONS}
    disagreements: list[Disagreement] = []
    mode = "deterministic"
    for g in gold:
        question = get_question(g.question_id)
        rubric = rubric_for(question.round)
        report = grade_answer(question, g.answer, offline=offline).report
        mode = report.mode if report.mode == "llm" else mode
        grader = {d: report.dimensions[d].score for d in DIMENSIONS}
        expert = {d: s.score for d, s in g.scores.items() if d in rubric.dimensions}
        for d, e in expert.items():
            got = grader[d]
            if got is None:
                continue
            pairs[d].append((e, got))
            if abs(e - got) >= 2:
                disagreements.append(
                    Disagreement(gold_id=g.id, question_id=g.question_id, dimension=d, expert=e, grader=got)
                )
        expert_overall = overall(rubric, expert).score
        case = CaseResult(
            gold_id=g.id,
            question_id=g.question_id,
            group=g.group,
            expert=expert,
            grader=grader,
            expert_overall=expert_overall,
            grader_overall=report.overall.score,
            expert_recommendation=g.recommendation,
            grader_recommendation=report.overall.recommendation,
        )
        cases.append(case)
        groups.setdefault(g.group, []).append(case)
    rec_cases = [c for c in cases if c.expert_recommendation]
    disagreements.sort(key=lambda d: -abs(d.expert - d.grader))
    return ModeResult(
        mode=mode,
        dimensions=[agreement(d, pairs[d]) for d in DIMENSIONS if pairs[d]],
        groups=[_group_agreement(k, v) for k, v in sorted(groups.items())] if len(groups) > 1 else [],
        spearman_overall=spearman([c.expert_overall for c in cases], [c.grader_overall for c in cases]),
        recommendation_accuracy=(
            sum(c.expert_recommendation == c.grader_recommendation for c in rec_cases) / len(rec_cases)
            if rec_cases
            else 0.0
        ),
        largest_disagreements=disagreements[:10],
        cases=cases,
    )


GROUPS = (*get_args(GoldSplit), "coach")


def interrater_dir() -> Path:
    return rubrics_dir() / "interrater"


def load_second_raters(folder: Path | None = None) -> tuple[list[SecondRater], list[Problem]]:
    """Independent second ratings of gold answers."""
    root = folder or interrater_dir()
    return _load_all(sorted(root.glob("*.yaml")) if root.is_dir() else [], SecondRater)


def human_agreement(gold: list[GoldAnswer], rater: SecondRater) -> HumanAgreement | None:
    """The expert panel's scores against ``rater``'s on the answers both scored."""
    experts = {g.id: g for g in gold if g.grader == "expert-panel"}
    pairs: dict[Dimension, list[tuple[int, int]]] = {d: [] for d in DIMENSIONS}
    ratings = {r.id: r for r in rater.ratings}  # a repeated id counts once (the last rating)
    both = [(experts[i], r) for i, r in ratings.items() if i in experts]
    if not both:
        return None
    overall_e: list[float] = []
    overall_r: list[float] = []
    for g, r in both:
        rubric = rubric_for(get_question(g.question_id).round)
        common = [d for d in rubric.dimensions if d in g.scores and d in r.scores]
        for d in common:
            pairs[d].append((g.scores[d].score, r.scores[d]))
        if common:  # overall scores over the same dimensions on both sides
            overall_e.append(overall(rubric, {d: g.scores[d].score for d in common}).score)
            overall_r.append(overall(rubric, {d: r.scores[d] for d in common}).score)
    recs = [(g.recommendation, r.recommendation) for g, r in both if g.recommendation and r.recommendation]
    sql = [(g.sql_correct, r.sql_correct) for g, r in both if g.sql_correct is not None and r.sql_correct is not None]
    return HumanAgreement(
        rater=rater.rater,
        answers=len(both),
        dimensions=[agreement(d, pairs[d]) for d in DIMENSIONS if pairs[d]],
        spearman_overall=spearman(overall_e, overall_r),
        recommendation_agreement=sum(a == b for a, b in recs) / len(recs) if recs else None,
        sql_label_agreement=sum(a == b for a, b in sql) / len(sql) if sql else None,
    )


def run_calibration(
    offline: bool = False, folder: Path | None = None, group: str | None = None, raters: Path | None = None
) -> CalibrationResult:
    """Deterministic figures always; LLM figures beside them when a judge is configured; the
    human-human figures from ``raters`` (default ``rubrics/interrater``) on the same answers.

    ``group`` keeps only one part of the gold set (see ``GROUPS``).
    """
    from evaluator.service import llm_enabled

    if group is not None and group not in GROUPS:
        raise ValueError(f"unknown gold-set group {group!r}; choose one of {', '.join(GROUPS)}")
    gold, problems = load_gold(folder)
    if group is not None:
        gold = [g for g in gold if g.group == group]
    modes = [evaluate(gold, offline=True)]
    if not offline and llm_enabled():
        modes.append(evaluate(gold, offline=False))
    coaches = sum(1 for g in gold if g.grader.startswith("coach:"))
    second, rater_problems = load_second_raters(raters)
    humans = [h for r in second if (h := human_agreement(gold, r)) is not None]
    return CalibrationResult(
        gold_files=len(gold) + len(problems),
        coach_files=coaches,
        problems=[str(p) for p in [*problems, *rater_problems]],
        modes=modes,
        human_human=humans,
    )
