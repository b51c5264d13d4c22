"""Reply -> Block Kit: shape, escaping and Slack's limits."""

from __future__ import annotations

from adapters.slack import ids
from adapters.slack.blocks import MAX_BLOCKS, message, reply_blocks
from adapters.slack.text import chunks, clip, command_text, mrkdwn
from bot.people import mention
from bot.replies import Button, Field, Reply, Tone


def test_brief_renders_header_text_fields_and_buttons():
    reply = Reply(title="ZD-4711 sev2 Acme", text=f"SSO broken for {mention('U1')}",
                  fields=(Field("Owner", mention("U1")), Field("Customer", "A & B")),
                  buttons=(Button("Join", "join ZD-4711", style="primary"),
                           Button("Hand off", "handoff ZD-4711", needs_input=True)),
                  tone=Tone.SUCCESS, mentions=("U1", "U2"))
    msg = message(reply)
    kinds = [b["type"] for b in msg["blocks"]]
    assert kinds == ["header", "section", "section", "context", "actions"]
    assert msg["blocks"][1]["text"]["text"] == ":white_check_mark: SSO broken for <@U1>"
    assert "*Customer*\nA &amp; B" in [f["text"] for f in msg["blocks"][2]["fields"]]
    # U1 is already mentioned in the text; only U2 is added.
    assert msg["blocks"][3]["elements"][0]["text"] == "<@U2>"
    assert msg["text"].endswith("<@U2>")
    run, form = msg["blocks"][4]["elements"]
    assert (run["action_id"], run["value"], run["style"]) == (
        f"{ids.ACTION_RUN}:0", "join ZD-4711", "primary")
    assert (form["action_id"], form["value"]) == (f"{ids.ACTION_FORM}:1", "handoff ZD-4711")


def test_limits_are_respected():
    long = "word " * 5000  # 25,000 chars
    reply = Reply(text=long, title="T" * 400,
                  fields=tuple(Field(f"f{i}", "v" * 3000) for i in range(23)),
                  buttons=tuple(Button("B" * 100, f"join ZD-{i}") for i in range(30)))
    blocks = [b.to_dict() for b in reply_blocks(reply)]  # to_dict validates the limits
    assert len(blocks) <= MAX_BLOCKS
    assert len(blocks[0]["text"]["text"]) <= 150
    for b in blocks:
        if b["type"] == "section" and "text" in b:
            assert len(b["text"]["text"]) <= 3000
        if b["type"] == "section" and "fields" in b:
            assert len(b["fields"]) <= 10 and all(len(f["text"]) <= 2000 for f in b["fields"])
        if b["type"] == "actions":
            assert len(b["elements"]) <= 25
            assert all(len(e["text"]["text"]) <= 75 for e in b["elements"])
            assert all(len(e["action_id"]) <= 255 for e in b["elements"])
    assert sum(len(b["elements"]) for b in blocks if b["type"] == "actions") == 30
    assert len(message(reply)["text"]) <= 3000


def test_many_blocks_are_capped_keeping_buttons():
    reply = Reply(text="\n".join("x" * 2900 for _ in range(80)),
                  buttons=(Button("Join", "join ZD-1"),))
    blocks = [b.to_dict() for b in reply_blocks(reply)]
    assert len(blocks) == MAX_BLOCKS
    assert blocks[-1]["type"] == "actions" and blocks[-2]["type"] == "context"


def test_command_text_unescapes_and_normalises_mentions():
    raw = 'handoff <@U123|alice> A &amp; B &lt;urgent&gt; tried="x" <#C1|general>'
    assert command_text(raw) == \
        f'handoff {mention("U123")} A & B <urgent> tried="x" <#C1|general>'
    assert command_text("  help  ") == "help"


def test_mrkdwn_escapes_all_but_control_sequences():
    assert mrkdwn("a<b & <@U1> <!here> <#C1>") == "a&lt;b &amp; <@U1> <!here> <#C1>"


def test_clip_and_chunks_never_split_a_mention():
    text = "x" * 10 + "<@U12345>"
    assert clip(text, 15) == "x" * 10 + "…"
    assert clip("a &amp; b", 5) == "a …"
    pieces = chunks("aaaa <@U1234567> bbbb", 12)
    assert all(p.count("<") == p.count(">") for p in pieces)
    assert "".join(pieces).replace(" ", "") == "aaaa<@U1234567>bbbb"


def test_a_title_with_a_mention_is_not_a_plain_text_header():
    blocks = message(Reply(title="<@U1> offers you ZD-1: SSO", text="x"))["blocks"]
    assert blocks[0]["type"] == "section"
    assert blocks[0]["text"] == {"type": "mrkdwn", "text": "*<@U1> offers you ZD-1: SSO*"}
