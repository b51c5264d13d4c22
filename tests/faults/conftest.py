"""The fault suite drives the real servers the Slack and Teams tests build: their fixtures."""

from tests.slack.conftest import api_url, fake_slack, slack_bot, slack_config  # noqa: F401
from tests.teams.conftest import connector, issuer, teams, teams_config  # noqa: F401
