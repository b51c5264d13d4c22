from bot.experts import Candidate, suggest


def c(person: str, skills: str, available: bool = True, load: int = 0, past: int = 0):
    return Candidate(person, frozenset(skills.split()), available, load, past)


def test_smallest_set_covering_the_skills() -> None:
    people = [c("ann", "sso"), c("ben", "saml"), c("cat", "sso saml"), c("dan", "dns")]
    s = suggest(["sso", "saml", "dns"], people, in_room=set())
    assert sorted(p.person for p in s.picks) == ["cat", "dan"]
    assert s.uncovered == ()
    assert all(p.reason for p in s.picks)


def test_load_and_past_help_break_ties() -> None:
    people = [c("busy", "sso", load=3), c("free", "sso"), c("vet", "sso", past=4, load=0)]
    s = suggest(["sso"], people, set())
    assert [p.person for p in s.picks] == ["vet"]
    assert "helped on 4 similar cases" in s.picks[0].reason


def test_unavailable_and_uncovered_are_said() -> None:
    people = [c("away", "legal", available=False), c("ann", "sso")]
    s = suggest(["sso", "legal", "tax"], people, set())
    assert [p.person for p in s.picks] == ["ann"]
    assert s.uncovered == ("legal", "tax")
    assert s.away == {"legal": ("away",)}


def test_people_already_in_the_room_are_not_suggested() -> None:
    s = suggest(["sso"], [c("ann", "sso"), c("ben", "sso")], in_room={"ann"})
    assert [p.person for p in s.picks] == ["ben"]
    assert s.in_room == {"sso": ("ann",)}


def test_large_pools_fall_back_to_greedy_but_still_cover() -> None:
    people = [c(f"p{i}", f"s{i % 7} s{(i + 3) % 7}", load=i % 4) for i in range(200)]
    s = suggest([f"s{i}" for i in range(7)], people, set())
    covered = {sk for p in s.picks for sk in p.covers}
    assert covered == {f"s{i}" for i in range(7)}
    assert len(s.picks) <= 4
