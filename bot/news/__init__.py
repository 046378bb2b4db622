"""News for the diaspora: subscriptions, announcements of new events, reminders, the channel.

Everything here is decided without Telegram: the store (SQLite under BOT_STATE_DIR) keeps the
subscriptions and the durable outbox, `changes` says what a reload brought, `pacing` and
`delivery` decide when each message may go out. The Telegram adapter only performs the sends.
"""
