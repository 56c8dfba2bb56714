"""The judge's structured output, built per rubric so the criterion ids are fixed by the schema.

One field per criterion (its id as the JSON key, all required, no others allowed) means the
model can neither skip a criterion, grade one twice, nor invent one. Each verdict lists the
evidence first, then the rationale, then the level, so a model that writes in order quotes
before it decides. Levels are an enum 1..4; the dimension scores are *not* in the schema: they
follow from the levels by the rubric's rules (``evaluator.scoring``).

The model's JSON is validated here rather than inside the OpenAI SDK so that one malformed
verdict costs only that criterion (it falls back to the deterministic level), not the call.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from evaluator.models import DIMENSION_TITLES, Rubric

SCHEMA_NAME = "rubric_verdicts"
SCHEMA_VERSION = "1"  # bump when the output shape changes: it is part of the cache key
MAX_RATIONALE = 1200


class CriterionJudgement(BaseModel):
    """The judge's verdict on one criterion."""

    model_config = ConfigDict(extra="ignore")

    evidence: list[str] = Field(description="exact quotes from the answer")
    rationale: str = Field(description="1-2 sentences")
    level: Literal[1, 2, 3, 4] = Field(description="per the level anchors")

    @field_validator("evidence", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        if isinstance(v, str):
            return [v] if v.strip() else []
        if isinstance(v, list):
            return [q for q in v if isinstance(q, str) and q.strip()]
        return v

    @field_validator("rationale", mode="before")
    @classmethod
    def _clip(cls, v: Any) -> Any:
        return v[:MAX_RATIONALE] if isinstance(v, str) else v

    @field_validator("level", mode="before")
    @classmethod
    def _intify(cls, v: Any) -> Any:
        """Servers without constrained decoding send "3" or 3.0; accept those, not 3.5 or 7."""
        if isinstance(v, str) and v.strip().isdigit():
            return int(v.strip())
        if isinstance(v, float) and v.is_integer():
            return int(v)
        return v


_MODELS: dict[str, type[BaseModel]] = {}


def rubric_fingerprint(rubric: Rubric) -> str:
    """Hash of the whole rubric: an edit misses the cache even if nobody bumped ``version``."""
    return hashlib.sha256(rubric.model_dump_json().encode("utf-8")).hexdigest()


def verdict_model(rubric: Rubric) -> type[BaseModel]:
    """A pydantic model with one required field per criterion, aliased to the criterion id."""
    key = rubric_fingerprint(rubric)
    if key not in _MODELS:
        fields: dict[str, Any] = {
            f"c{i}": (
                CriterionJudgement,
                Field(alias=c.id, description=f"{c.title} ({DIMENSION_TITLES[c.dimension]})"),
            )
            for i, c in enumerate(rubric.criteria)
        }
        _MODELS[key] = create_model(  # type: ignore[call-overload]
            "RubricVerdicts",
            __config__=ConfigDict(extra="forbid", populate_by_name=False),
            __doc__=f"One verdict per criterion of rubric {rubric.id!r}.",
            **fields,
        )
    return _MODELS[key]


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """Resolve ``$ref``s and make every object strict (all keys required, nothing extra)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = copy.deepcopy(defs[node["$ref"].split("/")[-1]])
            extra = {k: v for k, v in node.items() if k != "$ref"}
            return _inline({**target, **extra}, defs)
        out = {k: _inline(v, defs) for k, v in node.items() if k not in ("$defs", "title", "default")}
        if out.get("type") == "object" and "properties" in out:
            out["required"] = list(out["properties"])
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def response_schema(rubric: Rubric) -> dict[str, Any]:
    """The strict JSON Schema of the verdicts (OpenAI structured-output subset, refs inlined)."""
    raw = verdict_model(rubric).model_json_schema(by_alias=True)
    return _inline(raw, raw.get("$defs", {}))


def schema_text(rubric: Rubric) -> str:
    return json.dumps(response_schema(rubric), sort_keys=True)


@dataclass
class ParsedVerdicts:
    """Usable verdicts by criterion id, and why the others are not usable."""

    judgements: dict[str, CriterionJudgement] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    unknown_keys: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.problems and not self.unknown_keys


def parse_verdicts(rubric: Rubric, data: Any) -> ParsedVerdicts:
    """Validate the judge's object criterion by criterion; a bad one does not spoil the rest."""
    out = ParsedVerdicts()
    ids = [c.id for c in rubric.criteria]
    if not isinstance(data, dict):
        for cid in ids:
            out.problems[cid] = f"the reply is not a JSON object ({type(data).__name__})"
        return out
    # Some servers wrap the object once more ({"rubric_verdicts": {...}}); unwrap that shape only.
    if len(data) == 1 and not set(data) & set(ids) and isinstance(next(iter(data.values())), dict):
        inner = next(iter(data.values()))
        if set(inner) & set(ids):
            data = inner
    out.unknown_keys = sorted(k for k in data if k not in ids)
    for cid in ids:
        if cid not in data:
            out.problems[cid] = "missing from the reply"
            continue
        try:
            out.judgements[cid] = CriterionJudgement.model_validate(data[cid])
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ())) or "verdict"
            out.problems[cid] = f"schema mismatch at {where}: {first.get('msg', 'invalid')}"
    return out
