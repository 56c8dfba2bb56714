"""The LLM judge: rubric verdicts from an OpenAI-compatible model, verified and reconciled.

``judge_answer`` is the one entry point (``evaluator.service.grade_answer`` calls it when a key
is configured). Importing this package is cheap: LangChain, the OpenAI SDK, tiktoken and
diskcache are imported only when a judge call or a cache lookup actually happens.
"""

from evaluator.llm.judge import judge_answer

__all__ = ["judge_answer"]
