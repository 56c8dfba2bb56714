"""The per-rubric output schema: criterion ids fixed, strict, validated criterion by criterion."""

from __future__ import annotations

import pytest
from llm_support import rubric

from evaluator.llm.schema import parse_verdicts, response_schema, verdict_model
from evaluator.models import ROUNDS


def _walk(node):
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


@pytest.mark.parametrize("round", [r for r in ROUNDS if r != "sql"])
def test_schema_is_strict_and_keyed_by_the_rubric_ids(round):
    rub = rubric(round)
    schema = response_schema(rub)
    ids = [c.id for c in rub.criteria]
    assert list(schema["properties"]) == ids and schema["required"] == ids
    assert "$ref" not in str(schema) and "$defs" not in schema
    for node in _walk(schema):
        if node.get("type") == "object":
            assert node["additionalProperties"] is False
            assert node["required"] == list(node["properties"])
    item = schema["properties"][ids[0]]
    assert list(item["properties"]) == ["evidence", "rationale", "level"]  # quote, then reason, then decide
    assert item["properties"]["level"]["enum"] == [1, 2, 3, 4]
    assert "score" not in str(schema)  # dimension scores are computed, never asked for


def test_model_validates_by_alias_and_rejects_unknown_ids():
    rub = rubric("modeling")
    model = verdict_model(rub)
    assert model is verdict_model(rub)  # built once per rubric
    good = {c.id: {"evidence": [], "rationale": "r", "level": 2} for c in rub.criteria}
    model.model_validate(good)
    with pytest.raises(ValueError):
        model.model_validate({**good, "invented-criterion": {"evidence": [], "rationale": "", "level": 4}})


def test_parse_is_per_criterion_and_lenient_on_harmless_shapes():
    rub = rubric("modeling")
    ids = [c.id for c in rub.criteria]
    data = {cid: {"evidence": ["q"], "rationale": "r", "level": 3} for cid in ids}
    data[ids[0]] = {"evidence": "a single quote string", "rationale": "r", "level": "4"}
    data[ids[1]] = {"evidence": [], "rationale": "r", "level": 3.0}
    data[ids[2]] = {"evidence": [], "rationale": "r", "level": 3.5}
    data[ids[3]] = {"evidence": [], "rationale": "r", "level": 5}
    data[ids[4]] = "level 3"
    del data[ids[5]]
    data["bogus"] = {}
    parsed = parse_verdicts(rub, data)
    assert parsed.judgements[ids[0]].level == 4 and parsed.judgements[ids[0]].evidence == ["a single quote string"]
    assert parsed.judgements[ids[1]].level == 3
    assert set(parsed.problems) == {ids[2], ids[3], ids[4], ids[5]}
    assert parsed.problems[ids[5]] == "missing from the reply"
    assert parsed.unknown_keys == ["bogus"] and not parsed.complete


def test_parse_unwraps_a_named_wrapper_and_rejects_non_objects():
    rub = rubric("ownership")
    inner = {c.id: {"evidence": [], "rationale": "r", "level": 2} for c in rub.criteria}
    assert parse_verdicts(rub, {"rubric_verdicts": inner}).complete
    bad = parse_verdicts(rub, ["not", "an", "object"])
    assert not bad.judgements and len(bad.problems) == len(rub.criteria)
