"""The assistant client (issue 30): an OpenAI-compatible endpoint behind bot/drafting/port.py."""
