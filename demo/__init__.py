"""The demo generator: synthetic people and cases, driven through the real entrance."""
