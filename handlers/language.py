"""The language a delivery is answered in (bot/i18n.py): its sender's platform locale
(Slack's user locale, Teams' activity `locale`, the shell's `SWARMBOT_LANG`) where swarmbot
has a catalogue for it, else the deployment's `[i18n] language`; what a room, a channel or a
digest shows everyone is written in the deployment's (`i18n.shared`)."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from bot import i18n
from bot.config import Config
from handlers.delivery import Sender


def for_sender(config: Config, sender: Sender | None) -> AbstractContextManager[None]:
    """Speak the sender's language for the block (the deployment's for shared texts)."""
    deployment = config.i18n.language
    tag = sender.locale if sender is not None else None
    lang = i18n.language_of(tag, deployment)
    if i18n.current() == lang and i18n.deployment() == deployment:
        return nullcontext()  # spoken already (the adapter's block around the core's)
    return i18n.speaking(lang, deployment)


def for_everyone(config: Config) -> AbstractContextManager[None]:
    """Speak the deployment's language for the block: a scheduler pass, the outbox."""
    return i18n.speaking(config.i18n.language, config.i18n.language)
