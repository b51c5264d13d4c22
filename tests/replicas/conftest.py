"""The fake Slack Web API of tests/slack, for the replica tests."""

from tests.slack.conftest import api_url, fake_slack  # noqa: F401  (fixtures)
