"""eventkit: a self-hosted live-event companion (polls, wall, tables, evaluation)."""

__version__ = "0.1.0"
