"""Logging for the CLI: a level, text or JSON lines, and third-party noise kept out."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

LEVELS = ("debug", "info", "warning", "error")
# Messages from libraries that say nothing an operator can act on, dropped at any level
# but debug. Bolt warns at every start because we hand it a configured client (on
# purpose: one HTTP session and the retry policy) together with the token it requires.
NOISE = (
    "As you gave `client` as well, `token` will be unused.",
)


class QuietNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(noise in message for noise in NOISE)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (and the traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(),
                 "level": record.levelname.lower(), "logger": record.name,
                 "message": record.getMessage()}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level: str = "warning", fmt: str = "text") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if level != "debug":
        handler.addFilter(QuietNoise())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    # Libraries speak at warning and above; swarmbot at the level asked for. aiohttp's
    # per-request access log is only wanted when debugging (/metrics counts requests).
    root.setLevel(logging.DEBUG if level == "debug" else logging.WARNING)
    logging.getLogger("swarmbot").setLevel(level.upper())
    logging.getLogger("adapters").setLevel(level.upper())
    logging.getLogger("bot").setLevel(level.upper())
    logging.getLogger("handlers").setLevel(level.upper())
    if level != "debug":
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
