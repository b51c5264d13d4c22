"""The assistant port over any OpenAI-compatible endpoint (issue 30), through the maintained
`openai` client with its base_url: Ollama, vLLM, llama.cpp's server and hosted services all
speak it. The client does the timeouts and the retries (on timeouts, 429 and 5xx, with
backoff); the token budget is the completion's max_tokens. Nothing here logs the text.
"""

from __future__ import annotations

from collections.abc import Mapping

import openai

from bot.config import AssistantConfig
from bot.drafting.port import AssistantUnavailable, Completion


class OpenAIAssistant:
    def __init__(self, config: AssistantConfig, env: Mapping[str, str]) -> None:
        key = env.get(config.key_env, "").strip() if config.key_env else ""
        self.config = config
        # A local server (Ollama, llama.cpp) needs no key: none is sent then.
        self.client = openai.AsyncOpenAI(
            base_url=config.url, api_key=key or None, timeout=config.timeout,
            max_retries=max(0, config.retries), _enforce_credentials=bool(key))
        # Without a key, no Authorization header at all (the client asks it be said so).
        self.headers: dict[str, object] = {} if key else {"Authorization": openai.omit}

    @property
    def model(self) -> str:
        return self.config.model

    async def complete(self, system: str, user: str) -> Completion:
        try:
            done = await self.client.chat.completions.create(
                model=self.config.model, max_tokens=self.config.max_tokens,
                extra_headers=self.headers,  # type: ignore[arg-type]
                messages=[{"role": "system", "content": system},
                          {"role": "user", "content": user}])
        except openai.APITimeoutError:
            raise AssistantUnavailable(
                f"no answer within {self.config.timeout:g} s") from None
        except openai.APIStatusError as err:
            raise AssistantUnavailable(f"HTTP {err.status_code}") from None
        except openai.APIError as err:
            raise AssistantUnavailable(type(err).__name__) from None
        text = (done.choices[0].message.content or "") if done.choices else ""
        tokens = done.usage.total_tokens if done.usage else 0
        return Completion(text=text, model=done.model or self.config.model, tokens=tokens)

    async def close(self) -> None:
        await self.client.close()
