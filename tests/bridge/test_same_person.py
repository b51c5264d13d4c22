"""Issue 29: a person with the same verified email on Slack and Teams is one person: one
skills list (`skills @user` from either side), one candidate in the expert finder, one
person in the export."""

from __future__ import annotations

import re

from bot.bridge import accounts
from bot.config import Config
from bot.services import membership
from tests.bridge.world import OWNER, SAME, bridged, export_of
from tests.teams.conftest import ANN, BOB


async def test_same_email_is_one_person_everywhere(config: Config) -> None:
    async with bridged(config) as world:
        store = world.deps.store
        await world.slack("skills add dns", user=SAME)  # Bob on Slack
        await world.teams(BOB, "skills add networking")  # Bob on Teams: the same email
        assert accounts.person_of(store, "teams", BOB) == SAME
        assert accounts.account_on(store, "teams", SAME) == BOB
        assert accounts.account_on(store, "slack", SAME) == SAME
        assert store.people.skills_of(SAME) == ["dns", "networking"]
        assert store.people.get(BOB) is None  # no second person was made
        # `skills @bob` from Slack and from Teams read the one list.
        before = len(world.both.fake.responses)
        await world.slack(f"skills <@{SAME}>", user=OWNER)
        said = [str(m) for m in world.both.fake.responses[before:]]
        assert len(said) == 1 and "dns" in said[0] and "networking" in said[0], said
        before = len(world.both.connector.sent())
        await world.teams(BOB, f"skills @{BOB}", mentions=(BOB,))
        answers = [str(c.body) for c in world.both.connector.sent()[before:]]
        assert len(answers) == 1 and "dns" in answers[0] and "networking" in answers[0], \
            answers
        # The finder: one candidate covering both skills (not two half-people).
        await world.slack("open ZD-30 sev3 VPN drops every hour")
        await world.settle()
        case = store.cases.by_ref("ZD-30")
        assert case is not None
        found = membership.find_experts(world.deps, case, ["dns", "networking"])
        assert [p.person for p in found.picks] == [SAME]
        assert set(found.picks[0].covers) == {"dns", "networking"}
        # Invited from Slack, Bob is in the Slack room: he has an account there.
        await world.slack(f"ZD-30 invite <@{SAME}>")
        await world.settle()
        room = world.both.fake.channels[case.room_id or ""]
        assert SAME in room.members
        people = {p["person"] for c in export_of(world.deps)["cases"]
                  for p in c["participants"]}
        assert BOB not in people and SAME in people


async def test_link_by_code_when_the_emails_differ(config: Config) -> None:
    async with bridged(config) as world:
        store = world.deps.store
        world.both.fake.add_user("U3", "Ann Other", "ann.other@corp.example")
        await world.teams(ANN, "skills add identity")  # Ann's Teams email differs
        await world.slack("skills add sso", user="U3")
        assert accounts.person_of(store, "teams", ANN) == ANN  # not matched by email
        before = len(world.both.fake.responses)
        await world.slack("link", user="U3")
        said = str(world.both.fake.responses[before:])
        code = re.search(r"link code is ([0-9A-F]{6})", said)
        assert code, said
        # The code typed on the same platform, or a wrong one, is one clear line.
        before = len(world.both.fake.responses)
        await world.slack(f"link {code.group(1)}", user="U3")
        await world.slack("link zzz", user="U3")
        said = str(world.both.fake.responses[before:])
        assert "type it on the other platform" in said and "is not a link code" in said
        await world.teams(ANN, f"link {code.group(1)}")
        assert accounts.person_of(store, "teams", ANN) == "U3"
        assert store.people.skills_of("U3") == ["identity", "sso"]
        assert store.people.skills_of(ANN) == []  # moved: the finder sees one person
        assert list(store.cases.expert_candidates(["identity"])) == ["U3"]
        # Used once.
        sent = len(world.both.connector.sent())
        await world.teams(ANN, f"link {code.group(1)}")
        assert "No link code" in str([c.body for c in world.both.connector.sent()[sent:]])
