"""The quiz game of a cultural evening: rounds of questions, answers, a scoreboard.

Pure core (no telegram import): questions.py makes a round from the catalog, store.py keeps the
rounds in SQLite so a restart loses nothing, scoreboard.py ranks and words the result. The
Telegram adapter sends the polls and reports the answers.
"""
