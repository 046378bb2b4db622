"""End-to-end tests: the real Application against the local Bot API server, over HTTP."""
