"""A fake OpenAI-compatible chat endpoint on 127.0.0.1 (issue 30): what Ollama, vLLM,
llama.cpp and hosted services speak, `POST /v1/chat/completions`, recording each request.

    fake = FakeOpenAI(); base = await fake.start()   # base: http://127.0.0.1:PORT/v1
    fake.answer = lambda body: "…"                    # the completion's text, per request
    fake.mode = "ok" | "slow" | "fail"                # slow: waits `delay` s; fail: 500
    fake.requests                                     # each request's JSON body and headers
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from testkit.loopback import serve


@dataclass
class Recorded:
    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def text(self) -> str:
        """Every message's content, joined: what left for the model."""
        return "\n".join(str(m.get("content", "")) for m in self.body.get("messages", []))


def _echo_user(body: dict[str, Any]) -> str:
    """By default the draft repeats the last line of the request (placeholders included)."""
    user = [m for m in body.get("messages", []) if m.get("role") == "user"]
    return "Drafted: " + (str(user[-1]["content"]).splitlines()[-1] if user else "")


@dataclass
class FakeOpenAI:
    mode: str = "ok"
    delay: float = 10.0
    answer: Callable[[dict[str, Any]], str] = _echo_user
    requests: list[Recorded] = field(default_factory=list)
    runner: web.AppRunner | None = None
    stopping: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        self.runner, base = await serve(app)
        return base + "/v1"

    async def stop(self) -> None:
        self.stopping.set()  # a slow answer still pending ends now, so the server can stop
        if self.runner is not None:
            await self.runner.cleanup()

    async def _chat(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(Recorded(body, dict(request.headers)))
        if self.mode == "fail":
            return web.json_response({"error": {"message": "model crashed", "type": "server"}},
                                     status=500)
        if self.mode == "slow":
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), self.delay)
        text = self.answer(body)
        return web.Response(content_type="application/json", text=json.dumps({
            "id": f"chatcmpl-{len(self.requests)}", "object": "chat.completion",
            "created": 1_700_000_000, "model": body.get("model", "fake-model"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}}))
