"""The event before and around storage: its typed spec, the one check, size limits,
the event file, editing steps, the demo, sample data, seating and join links."""
