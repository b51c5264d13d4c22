"""Slack adapter: Bolt listeners, Block Kit rendering, the ChatPort over Slack's Web API.

Platform SDKs (slack_bolt, slack_sdk) are imported only inside this package.
"""
