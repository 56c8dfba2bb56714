"""Prompt files -> chat messages, with the candidate's answer fenced off as data.

Prompts are files in ``prompts/`` (``system.md``, ``judge.md`` and ``round_<round>.md``) so coaches
can edit them and so their exact text can key the cache. They use ``{{name}}`` placeholders,
filled in one pass: a value is never re-scanned, so an answer containing ``{{facts}}`` stays text.

The answer goes between per-call random delimiters. Anything in the answer that looks like a
delimiter, a role tag or a chat-template token is neutralised first by swapping characters for
look-alikes *one for one*, so positions in the neutralised text are positions in the original
and quotes the judge copies from it can be mapped back to exact substrings of the answer.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from evaluator.grade import GradeResult
from evaluator.models import DIMENSION_TITLES, Question, Rubric
from evaluator.settings import Settings
from evaluator.text import normalise_quote

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")

# --------------------------------------------------------------------------- neutralising

_ANGLE = str.maketrans({"<": "\u2039", ">": "\u203a"})  # < > -> single angle quotation marks
_ROLE_WORDS = (
    r"answer|candidate[_-]?answer|system|assistant|user|human|developer|tool|instructions?|rubric|prompt|"
    r"grader|evaluator|judge|context|document|input|output|data|im_start|im_end|sys"
)
_NEUTRALISE: list[tuple[re.Pattern[str], object]] = [
    (re.compile(r"<{2,}|>{2,}"), lambda m: m.group().translate(_ANGLE)),  # our delimiters use <<< >>>
    (re.compile(r"<\|[^<>|]{0,40}\|>"), lambda m: m.group().translate(_ANGLE)),  # <|im_start|> and friends
    (re.compile(rf"<\s*/?\s*(?:{_ROLE_WORDS})\b[^<>]{{0,80}}>", re.IGNORECASE), lambda m: m.group().translate(_ANGLE)),
    (re.compile(r"</?s>|<!--|-->"), lambda m: m.group().translate(_ANGLE)),
    (re.compile(r"\[\s*/?\s*(?:INST|SYS)\s*\]", re.IGNORECASE), lambda m: "\u27e6" + m.group()[1:-1] + "\u27e7"),
    (re.compile(r"candidate_answer", re.IGNORECASE), lambda m: m.group().replace("_", "-")),
    # zero-width and bidi controls can hide text from a human reader but not from a model
    (re.compile(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"), lambda m: " "),
]


def neutralise(text: str) -> str:
    """Delimiter-like text made inert; same length as ``text``, position for position."""
    for pattern, repl in _NEUTRALISE:
        text = pattern.sub(repl, text)  # type: ignore[arg-type]
    return text


@dataclass(frozen=True)
class Delimiters:
    """The fence around the answer; the token is fresh for every request."""

    token: str

    @property
    def begin(self) -> str:
        return f"<<<CANDIDATE_ANSWER {self.token}>>>"

    @property
    def end(self) -> str:
        return f"<<<END_CANDIDATE_ANSWER {self.token}>>>"


def new_delimiters(answer: str) -> Delimiters:
    """Random delimiters whose token does not occur in the answer."""
    while True:
        token = secrets.token_hex(8)
        if token not in answer:
            return Delimiters(token)


# --------------------------------------------------------------------------- templates


@dataclass(frozen=True)
class Templates:
    """The prompt files for one round; their text is part of the cache key."""

    system: str
    judge: str
    guidance: str

    @property
    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for part in (self.system, self.judge, self.guidance):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()


def templates_dir(settings: Settings) -> Path:
    if settings.prompts_dir is not None:
        return Path(settings.prompts_dir)
    from evaluator.paths import prompts_dir

    return prompts_dir()


def load_templates(round: str, settings: Settings) -> Templates:
    """Read ``system.md``, ``judge.md`` and ``round_<round>.md`` (guidance is optional)."""
    root = templates_dir(settings)
    guidance = root / f"round_{round}.md"
    return Templates(
        system=(root / "system.md").read_text(encoding="utf-8"),
        judge=(root / "judge.md").read_text(encoding="utf-8"),
        guidance=guidance.read_text(encoding="utf-8") if guidance.is_file() else "",
    )


def render(template: str, values: dict[str, str]) -> str:
    """Fill ``{{name}}`` placeholders in one pass; an unknown name is an error, not silence."""

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in values:
            raise KeyError(f"prompt template uses unknown placeholder {{{{{name}}}}}")
        return values[name]

    return _PLACEHOLDER.sub(fill, template)


# --------------------------------------------------------------------------- rubric and facts


def render_criteria(rubric: Rubric) -> str:
    blocks = []
    for c in rubric.criteria:
        head = f"## `{c.id}`: {c.title} (dimension: {DIMENSION_TITLES[c.dimension]})"
        lines = [head]
        if c.description:
            lines.append(c.description.strip())
        lines.extend(f"- Level {lvl}: {c.levels[lvl].strip()}" for lvl in (1, 2, 3, 4))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


_WORDS = re.compile(r"\S+")
_EDGE = "()[]{};:,.'\"`"
_TOKEN = re.compile(r"\w+")
MIN_TOKEN = 4  # shorter tokens ("a", "the", "4", "top") cannot carry an instruction on their own


def answer_tokens(answer_folded: str) -> frozenset[str]:
    return frozenset(t for t in _TOKEN.findall(answer_folded.lower()) if len(t) >= MIN_TOKEN)


@lru_cache(maxsize=1)
def grader_words() -> frozenset[str]:
    """The words the deterministic checks themselves write into their findings.

    Read from the source of ``evaluator/checks`` and ``evaluator/sql/feedback.py``: the fixed parts
    of f-strings, family labels (string dict keys), literal details passed to ``Finding`` and
    returned labels. Regex lists (the injection patterns, for one) are plain strings and are not
    taken, so "ignore previous instructions" is not grader vocabulary.
    """
    import ast

    root = Path(__file__).resolve().parent.parent
    sources = [*sorted((root / "checks").glob("*.py")), root / "sql" / "feedback.py"]
    words: set[str] = set()

    def add(node: ast.AST | None) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            words.update(t.lower() for t in _TOKEN.findall(node.value))

    for src in sources:
        try:
            tree = ast.parse(src.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):  # pragma: no cover - shipped with the package
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                for part in node.values:
                    add(part)
            elif isinstance(node, ast.Dict):
                for key in node.keys:
                    add(key)
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding" and len(node.args) >= 3:
                add(node.args[2])
            elif isinstance(node, ast.Return):
                add(node.value)
    return frozenset(words)


def vocabulary(question: Question, rubric: Rubric) -> frozenset[str]:
    """Every word of the rubric and the question (titles, anchors, concepts, patterns...) and
    of the checks' own finding texts (``grader_words``).

    These are the grader's own words: a finding may repeat them even when the answer uses them
    too. Any other word of the answer is kept out of the facts.
    """
    words: set[str] = set(grader_words())

    def walk(value: object) -> None:
        if isinstance(value, str):
            words.update(t.lower() for t in _TOKEN.findall(value))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    walk(question.model_dump(mode="json"))
    walk(rubric.model_dump(mode="json"))
    walk(list(DIMENSION_TITLES.values()))
    return frozenset(words)


def scrub(
    detail: str,
    answer_folded: str,
    vocabulary: frozenset[str] | None = None,
    answer_words: frozenset[str] | None = None,
) -> str:
    """Drop fragments of the answer from a check's detail text.

    Some findings quote the figures they found ("(About 100B impressions)"). The answer must
    reach the judge only inside its delimiters, so any run of three or more words (or two with
    a digit) that occurs in the answer is replaced by an ellipsis. With a ``vocabulary`` (the
    rubric's and the question's words), every remaining word of 4+ characters that occurs in
    the answer but not in the vocabulary is replaced too: an identifier quoted by an error
    message ("Referenced column \"SYSTEM_OVERRIDE_...\" not found") is answer text.
    """
    toks = list(_WORDS.finditer(detail))
    out: list[str] = []
    pos = 0
    i = 0
    while i < len(toks):
        hit = 0
        for j in range(min(len(toks), i + 14), i + 1, -1):
            raw = detail[toks[i].start() : toks[j - 1].end()]
            core = raw.strip(_EDGE)
            folded = normalise_quote(core).lower()
            n = j - i
            if len(folded) >= 5 and (n >= 3 or any(ch.isdigit() for ch in folded)) and folded in answer_folded:
                hit = j
                break
        if hit:
            raw_start, raw_end = toks[i].start(), toks[hit - 1].end()
            raw = detail[raw_start:raw_end]
            lead = len(raw) - len(raw.lstrip(_EDGE))
            trail = len(raw) - len(raw.rstrip(_EDGE))
            out.append(detail[pos : raw_start + lead])
            out.append("\u2026")
            pos = raw_end - trail
            i = hit
        else:
            i += 1
    out.append(detail[pos:])
    text = "".join(out)
    if vocabulary is None:
        return text
    words = answer_words if answer_words is not None else answer_tokens(answer_folded)

    def word(m: re.Match[str]) -> str:
        t = m.group().lower()
        if len(t) < MIN_TOKEN or t.isdigit() or t in vocabulary or t not in words:
            return m.group()
        return "\u2026"

    return _TOKEN.sub(word, text)


_SQL_ERROR_CLASS = re.compile(r"^\s*([A-Z][A-Za-z]*(?: [A-Za-z]+){0,3})\s*:")
_SQL_POSITION = re.compile(r"\(line \d+, column \d+\)")


def sql_error_summary(error: str) -> str:
    """Only the class of an SQL error and where it is ("Binder Error (line 1, column 8)").

    Database messages quote the query's identifiers and literals, which are answer text; the
    judge only needs to know that, and roughly where, the query failed.
    """
    m = _SQL_ERROR_CLASS.match(error)
    kind = m.group(1) if m else "error"
    pos = _SQL_POSITION.search(error)
    return kind + (f" {pos.group()}" if pos else "")


def render_facts(det: GradeResult, rubric: Rubric) -> str:
    """The deterministic findings as facts for the judge, with no text copied from the answer.

    The deterministic *levels* are deliberately left out: the judge should reach its own
    verdicts, so that a disagreement between the two layers means something.
    """
    from evaluator.checks import run_check

    ctx = det.context
    folded = normalise_quote(ctx.answer).lower()
    vocab = vocabulary(ctx.question, rubric)
    words = answer_tokens(folded)
    sql = det.report.sql
    sql_error = sql.error if sql is not None and sql.error else None

    def clean(detail: str) -> str:
        if sql_error and sql_error in detail:
            detail = detail.replace(sql_error, sql_error_summary(sql_error))
        return scrub(detail, folded, vocab, words)

    lines: list[str] = []
    count = ctx.memo.get("original_words")
    if count is not None:
        lines.append(f"- The answer has {count} words.")
    guard_ids = {"not-empty", "on-topic", "not-keyword-stuffed", "no-prompt-injection", "within-length"}
    for chk in det.report.checks:
        if chk.id in guard_ids and not chk.passed:
            lines.append(f"- Guard `{chk.id}` failed: {clean(chk.detail)}.")
    injected = ctx.memo.get("injected") or []
    if injected:
        lines.append(
            f"- {len(injected)} sentence(s) of the answer address the grader instead of the interviewer; "
            "they earn no credit on any criterion."
        )
    if sql is not None:
        verdict = "CORRECT" if sql.correct else "INCORRECT"
        line = (
            f"- The query was executed on hidden datasets ({sql.dialect}): the result is {verdict} "
            f"(expected {sql.expected_rows} rows, got {sql.actual_rows})."
        )
        if sql_error:
            line += f" Error: {clean(sql_error)}."
        lines.append(line)
    for c in rubric.criteria:
        outcome = det.outcomes.get(c.id)
        if outcome is None:
            continue
        lines.append(f"- Criterion `{c.id}`:")
        for name, f in outcome.findings:
            state = "passed" if f.passed else "not passed"
            detail = clean(f.detail) if f.detail else ""
            lines.append(f"    - check `{name}` {state}, strength {f.strength:.2f}" + (f": {detail}" if detail else ""))
    for cap in rubric.caps:
        f = run_check(cap.check, ctx, cap.params)
        if not f.passed:
            lines.append(
                f"- Ceiling: {DIMENSION_TITLES[cap.dimension]} is at most {cap.max_score} because check "
                f"`{cap.check}` did not pass ({clean(f.detail)})."
            )
    for pen in rubric.penalties:
        f = run_check(pen.check, ctx, pen.params)
        if not f.passed:
            lines.append(f"- Red flag on {DIMENSION_TITLES[pen.dimension]}: `{pen.check}` ({clean(f.detail)}).")
    return "\n".join(lines) if lines else "- No findings."


# --------------------------------------------------------------------------- messages


@dataclass(frozen=True)
class RenderedPrompt:
    messages: list[tuple[str, str]]
    delimiters: Delimiters


def build_prompt(question: Question, rubric: Rubric, templates: Templates, facts: str, answer: str) -> RenderedPrompt:
    """System and user messages for one judge call, with fresh delimiters around the answer."""
    fenced = neutralise(answer)
    delims = new_delimiters(fenced)
    values = {
        "begin": delims.begin,
        "end": delims.end,
        "round_title": rubric.title,
        "round_guidance": templates.guidance.strip(),
        "question_id": question.id,
        "question_title": question.title,
        "question_prompt": question.prompt.strip(),
        "rubric_id": rubric.id,
        "rubric_version": rubric.version,
        "rubric_title": rubric.title,
        "rubric_description": (rubric.description or "").strip(),
        "criteria": render_criteria(rubric),
        "facts": facts,
    }
    system = render(templates.system, values)
    user = render(templates.judge, {**values, "answer": fenced})
    return RenderedPrompt([("system", system), ("user", user)], delims)
