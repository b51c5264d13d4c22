"""[assistant]'s problems, one line each, before anything starts (issue 30)."""

from __future__ import annotations

from urllib.parse import urlparse

from bot.config import AssistantConfig


def assistant_problems(a: AssistantConfig) -> list[str]:
    if not a.url:
        return []
    problems = []
    if urlparse(a.url).scheme not in ("http", "https") or not urlparse(a.url).netloc:
        problems.append(f"[assistant] url {a.url[:80]!r} is not an http(s) URL: give the "
                        "endpoint's base, e.g. http://127.0.0.1:11434/v1")
    if not a.model.strip():
        problems.append("[assistant] model is missing: name the model the endpoint serves")
    if a.timeout <= 0:
        problems.append(f"[assistant] timeout {a.timeout:g} must be more than 0 seconds")
    if a.retries < 0:
        problems.append(f"[assistant] retries {a.retries} is negative: give 0 or more")
    if a.max_tokens <= 0:
        problems.append(f"[assistant] max_tokens {a.max_tokens} must be more than 0")
    return problems
