"""Tokens sealed at rest: Fernet (AES-128-CBC + HMAC-SHA256) with a key from the environment.

`SWARMBOT_TOKEN_KEY` holds one key, or several separated by commas to rotate: the first
seals, every one of them opens (cryptography's MultiFernet). Make a key with
`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.
"""

from __future__ import annotations

from collections.abc import Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.config import require_secret
from bot.errors import ConfigError

KEY_VARIABLE = "SWARMBOT_TOKEN_KEY"
MAKE_KEY = ('python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"')


class SealBroken(Exception):
    """A sealed value that none of the keys opens (the key changed, or the row was altered)."""


class Sealer:
    def __init__(self, keys: list[str]) -> None:
        try:
            self._fernet = MultiFernet([Fernet(k.encode("ascii")) for k in keys])
        except (ValueError, UnicodeEncodeError) as err:
            raise ConfigError(f"environment variable {KEY_VARIABLE} must be Fernet keys "
                              f"(44 characters of URL-safe base64, comma-separated); make "
                              f"one with: {MAKE_KEY}") from err

    @classmethod
    def from_env(cls, env: Mapping[str, str], needed_by: str) -> Sealer:
        try:
            value = require_secret(KEY_VARIABLE, needed_by, env)
        except ConfigError as err:
            raise ConfigError(f"{err}: it encrypts the installations' tokens at rest; make "
                              f"one with: {MAKE_KEY}") from None
        return cls([k.strip() for k in value.split(",") if k.strip()])

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except InvalidToken as err:
            raise SealBroken(f"no key in {KEY_VARIABLE} opens it") from err
