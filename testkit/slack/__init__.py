"""Slack's side of the wire on loopback: its Web API, its request signing, recorded payloads."""
