"""Web pages the bot serves itself (aiohttp, no platform SDK)."""
