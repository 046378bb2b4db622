"""Kyrgyzstan–Belgium ties bot: a pure knowledge core with thin adapters (Telegram, terminal)."""
