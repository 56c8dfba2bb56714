"""One configuration for the CLI, the app and the tests (environment variables)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
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

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_api_key)


def get_settings() -> Settings:
    return Settings()
