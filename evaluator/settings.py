"""One configuration for the CLI, the app and the tests (environment variables)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PrivateAttr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """``OPENAI_API_KEY``, ``OPENAI_BASE_URL`` and ``MOCKLOOP_MODEL`` select the LLM judge.

    With no key the grader is deterministic and says so; nothing here ever reaches the network.
    """

    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True)

    openai_api_key: str | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    model: str = Field(default="gpt-4o-mini", validation_alias="MOCKLOOP_MODEL")
    request_timeout: float = Field(default=60.0, validation_alias="MOCKLOOP_LLM_TIMEOUT", gt=0)
    max_retries: int = Field(default=2, validation_alias="MOCKLOOP_LLM_RETRIES", ge=0, le=10)
    cache_dir: Path | None = Field(default=None, validation_alias="MOCKLOOP_CACHE_DIR")
    answer_token_budget: int = Field(default=6000, validation_alias="MOCKLOOP_ANSWER_TOKENS", gt=0)
    # LLM judge (evaluator/llm). Retries cover 429 and 5xx only; a timeout is not retried, so a
    # hung server costs one request_timeout, not (retries + 1) of them.
    llm_method: Literal["auto", "json_schema", "function_calling"] = Field(
        default="auto", validation_alias="MOCKLOOP_LLM_METHOD"
    )
    retry_base_delay: float = Field(default=1.0, validation_alias="MOCKLOOP_LLM_RETRY_DELAY", ge=0)
    retry_max_delay: float = Field(default=30.0, validation_alias="MOCKLOOP_LLM_RETRY_MAX_DELAY", ge=0)
    sample_temperature: float = Field(default=0.7, validation_alias="MOCKLOOP_SAMPLE_TEMPERATURE", ge=0, le=2)
    max_output_tokens: int | None = Field(default=None, validation_alias="MOCKLOOP_LLM_MAX_TOKENS", gt=0)
    llm_cache: bool = Field(default=True, validation_alias="MOCKLOOP_LLM_CACHE")
    prompts_dir: Path | None = Field(default=None, validation_alias="MOCKLOOP_PROMPTS_DIR")
    # USD per million tokens; unset means the built-in table in evaluator/llm/tokens.py (None if unknown).
    price_input_per_mtok: float | None = Field(default=None, validation_alias="MOCKLOOP_PRICE_INPUT_PER_MTOK", ge=0)
    price_output_per_mtok: float | None = Field(default=None, validation_alias="MOCKLOOP_PRICE_OUTPUT_PER_MTOK", ge=0)

    # Invalid variables that ``get_settings`` replaced by their defaults, as readable messages.
    _problems: list[str] = PrivateAttr(default_factory=list)

    @field_validator("openai_api_key", "openai_base_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, v: object) -> object:
        """``OPENAI_BASE_URL=`` (empty) means "not set", not "an empty URL"."""
        return None if isinstance(v, str) and not v.strip() else v

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_api_key)

    @property
    def problems(self) -> list[str]:
        """``MOCKLOOP_*`` variables that were invalid (each message names the variable)."""
        return list(self._problems)


def _field_for(variable: str) -> str | None:
    for name, info in Settings.model_fields.items():
        if info.validation_alias == variable or name == variable:
            return name
    return None


def _problem(variable: str, err: Mapping[str, Any]) -> str:
    value = repr(err.get("input"))
    if len(value) > 40:
        value = value[:37] + "..."
    return f"{variable}={value} ({err['msg']})"


def get_settings() -> Settings:
    """The settings from the environment; never raises on a bad value.

    An invalid variable (``MOCKLOOP_LLM_TIMEOUT=abc``) falls back to its default and is listed in
    ``Settings.problems``, so the CLI and the app keep working and ``evaluator.service`` can grade
    deterministically and say which variable is wrong. ``Settings()`` itself stays strict.
    """
    defaults: dict[str, object] = {}
    problems: list[str] = []
    for _ in range(len(Settings.model_fields) + 1):
        try:
            settings = Settings(**defaults)
        except ValidationError as exc:
            progressed = False
            for err in exc.errors():
                variable = str(err["loc"][0]) if err["loc"] else "settings"
                name = _field_for(variable)
                if name is None or name in defaults:
                    continue
                defaults[name] = Settings.model_fields[name].get_default(call_default_factory=True)
                problems.append(_problem(variable, err))
                progressed = True
            if not progressed:
                raise
            continue
        settings._problems = problems
        return settings
    raise RuntimeError("settings could not be loaded")  # pragma: no cover - every field has a default
