"""The digest as a chat post: a neutral Reply with the headline figures and the page link."""

from __future__ import annotations

from typing import Any

from bot.digest.png import per_day_alt, per_day_png
from bot.digest.text import duration, sla_counts
from bot.i18n import _, shared
from bot.ports import ChatPort, ImageUploader
from bot.replies import Button, Field, Reply


def digest_reply(d: dict[str, Any], link: str | None, private: bool = True) -> Reply:
    p = d["previous"]
    own, pown = d["owners_per_resolved_case"], p["owners_per_resolved_case"]
    ttc, pttc = d["time_to_connect"], p["time_to_connect"]
    fields = [
        Field(_("Swarms"), _("{opened} opened, {resolved} resolved, {open} open at week end "
                             "(week before {opened_before} / {resolved_before} / "
                             "{open_before})").format(
            opened=d['opened'], resolved=d['resolved'], open=d['open_at_end'],
            opened_before=p['opened'], resolved_before=p['resolved'],
            open_before=p['open_at_end'])),
        Field(_("Time to connect"), _("median {median}, p90 {p90} (week before median "
                                      "{median_before}); {unanswered} help requests "
                                      "unanswered").format(
            median=duration(ttc['median_s']), p90=duration(ttc['p90_s']),
            median_before=duration(pttc['median_s']), unanswered=d['unanswered'])),
        Field(_("Passed around"), _("{passed} of {cases} resolved cases had more than one owner "
                                    "(week before {passed_before} of {cases_before}); handoffs "
                                    "accepted {accepted}, declined {declined}, stalled "
                                    "{stalled}").format(
            passed=own['passed_around'], cases=own['cases'],
            passed_before=pown['passed_around'], cases_before=pown['cases'],
            accepted=d['handoffs']['accepted'], declined=d['handoffs']['declined'],
            stalled=d['handoffs']['stalled'])),
        Field(_("Customer mood"), _("{moods} (first to last reading)").format(
            moods=", ".join(f"{k} {v}" for k, v in d["mood_shift"].items()))),
        Field(_("Promises"), ", ".join(f"{k} {v}" for k, v in d["promises"].items())),
        Field(_("SLA breaches"), sla_counts(d)),
    ]
    hints = d.get("skill_suggestions") or {}
    if hints.get("made"):
        fields.append(Field(_("Skill suggestions"), _("{made} made at open, {taken} taken")
                            .format(made=hints['made'], taken=hints.get('taken', 0))))
    if d["friction"]:
        top = d["friction"][0]
        fields.append(Field(_("Most reported friction"), f"{top['process']} ({top['reports']}): "
                                                         f"\u201c{top['quotes'][0]}\u201d"))
    if d["recognition"]:
        r = d["recognition"][-1]
        fields.append(Field(_("Recognition"), _("{who} thanked {to} for \u201c{what}\u201d")
                            .format(who=r['from'], to=r['to'], what=r['for'])))
    if link:
        fields.append(Field(_("Full digest"), link))
    no_link = _("(No web link: SWARMBOT_LINK_SECRET is not set.)")
    text = _("The week {week} ({timezone}) in swarms.").format(
        week=d['week'], timezone=d['timezone']) + ("" if link else " " + no_link)
    # A channel post has no button: only managers may run `digest`, and anyone can click.
    buttons = (Button(_("Refresh"), f"digest {d['week']}"),) if private else ()
    return Reply(title=_("Swarm digest {week}").format(week=d['week']), text=text,
                 fields=tuple(fields), buttons=buttons, private=private)


async def post_digest(port: ChatPort, room_id: str, d: dict[str, Any], link: str | None) -> None:
    """Post the digest into a room; with the chart picture where the port can upload one."""
    with shared():  # the channel reads it: the deployment's language
        reply = digest_reply(d, link, private=False)
        title = _("Swarms per day, {week}").format(week=d['week'])
        alt = per_day_alt(d)
    await port.post(room_id, reply)
    if isinstance(port, ImageUploader):
        await port.upload_image(room_id, per_day_png(d), title, alt=alt)
