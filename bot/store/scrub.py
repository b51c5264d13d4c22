"""Erased text out of the JSON other rows keep (outbox payloads and results, inbox
deliveries): plain Python over the few rows the store found holding a needle.

Another case's brief or help request quotes an erased case in its "Solved before" lines
("ZD-4711 (resolved today · Acme Corp): summary → resolution"): a line naming the erased ref
becomes "ZD-4711: [erased]", and every other occurrence of an erased text (the customer,
the summary, the resolution) becomes the marker. Keys and the JSON's shape stay as they were,
so a pending call still finds what it needs.
"""

from __future__ import annotations

import json
import re
from typing import Any


def needles_of(texts: list[str | None]) -> list[str]:
    """The texts worth looking for: set, at least 3 characters, longest first (so a text
    containing another is replaced whole)."""
    found = {t.strip() for t in texts if t and len(t.strip()) >= 3}
    return sorted(found, key=len, reverse=True)


class Scrubber:
    def __init__(self, ref: str, needles: list[str], marker: str) -> None:
        self.marker = marker
        self.ref_line = re.compile(rf"^.*(?<![\w-]){re.escape(ref)}(?![\w-]).*$",
                                   re.MULTILINE | re.IGNORECASE)
        self.ref = ref
        self.texts = [re.compile(re.escape(n), re.IGNORECASE) for n in needles]

    def text(self, s: str) -> str:
        s = self.ref_line.sub(f"{self.ref}: {self.marker}", s)
        for pattern in self.texts:
            s = pattern.sub(self.marker, s)
        return s

    def value(self, v: Any) -> Any:
        if isinstance(v, str):
            return self.text(v)
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, dict):
            return {k: self.value(x) for k, x in v.items()}
        return v

    def json_text(self, stored: str | None) -> str | None:
        """A stored JSON text with the erased texts replaced (None and non-JSON as is)."""
        if stored is None:
            return None
        try:
            data = json.loads(stored)
        except ValueError:
            return self.text(stored)
        return json.dumps(self.value(data))
