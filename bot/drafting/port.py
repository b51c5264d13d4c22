"""The assistant port (issue 30): any OpenAI-compatible chat endpoint, asked for a draft.

The client lives in adapters/assistant/; the core knows only this Protocol.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Completion:
    text: str
    model: str
    tokens: int  # prompt + completion tokens, as the endpoint reported them


class AssistantUnavailable(Exception):
    """The assistant did not answer in time, or answered with an error."""


class AssistantPort(Protocol):
    @property
    def model(self) -> str: ...
    async def complete(self, system: str, user: str) -> Completion:
        """One chat completion within the configured timeout, retries and token budget;
        raises AssistantUnavailable."""
