"""The digest as a chat post: a neutral Reply with the headline figures and the page link."""

from __future__ import annotations

from typing import Any

from bot.digest.png import per_day_alt, per_day_png
from bot.digest.text import duration, sla_counts
from bot.ports import ChatPort, ImageUploader
from bot.replies import Button, Field, Reply


def digest_reply(d: dict[str, Any], link: str | None, private: bool = True) -> Reply:
    p = d["previous"]
    own, pown = d["owners_per_resolved_case"], p["owners_per_resolved_case"]
    ttc, pttc = d["time_to_connect"], p["time_to_connect"]
    fields = [
        Field("Swarms", f"{d['opened']} opened, {d['resolved']} resolved, {d['open_at_end']} "
                        f"open at week end (week before {p['opened']} / {p['resolved']} / "
                        f"{p['open_at_end']})"),
        Field("Time to connect", f"median {duration(ttc['median_s'])}, p90 "
                                 f"{duration(ttc['p90_s'])} (week before median "
                                 f"{duration(pttc['median_s'])}); {d['unanswered']} help "
                                 "requests unanswered"),
        Field("Passed around", f"{own['passed_around']} of {own['cases']} resolved cases had "
                               f"more than one owner (week before {pown['passed_around']} of "
                               f"{pown['cases']}); handoffs accepted {d['handoffs']['accepted']}, "
                               f"declined {d['handoffs']['declined']}, stalled "
                               f"{d['handoffs']['stalled']}"),
        Field("Customer mood", ", ".join(f"{k} {v}" for k, v in d["mood_shift"].items())
              + " (first to last reading)"),
        Field("Promises", ", ".join(f"{k} {v}" for k, v in d["promises"].items())),
        Field("SLA breaches", sla_counts(d)),
    ]
    hints = d.get("skill_suggestions") or {}
    if hints.get("made"):
        fields.append(Field("Skill suggestions", f"{hints['made']} made at open, "
                                                 f"{hints.get('taken', 0)} taken"))
    if d["friction"]:
        top = d["friction"][0]
        fields.append(Field("Most reported friction", f"{top['process']} ({top['reports']}): "
                                                      f"\u201c{top['quotes'][0]}\u201d"))
    if d["recognition"]:
        r = d["recognition"][-1]
        fields.append(Field("Recognition", f"{r['from']} thanked {r['to']} for "
                                           f"\u201c{r['for']}\u201d"))
    if link:
        fields.append(Field("Full digest", link))
    no_link = " (No web link: SWARMBOT_LINK_SECRET is not set.)"
    text = f"The week {d['week']} ({d['timezone']}) in swarms." + ("" if link else no_link)
    # A channel post has no button: only managers may run `digest`, and anyone can click.
    buttons = (Button("Refresh", f"digest {d['week']}"),) if private else ()
    return Reply(title=f"Swarm digest {d['week']}", text=text, fields=tuple(fields),
                 buttons=buttons, private=private)


async def post_digest(port: ChatPort, room_id: str, d: dict[str, Any], link: str | None) -> None:
    """Post the digest into a room; with the chart picture where the port can upload one."""
    await port.post(room_id, digest_reply(d, link, private=False))
    if isinstance(port, ImageUploader):
        await port.upload_image(room_id, per_day_png(d), f"Swarms per day, {d['week']}",
                                alt=per_day_alt(d))
