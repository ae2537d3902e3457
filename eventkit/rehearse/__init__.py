"""Rehearse an event: simulated phones against a running server, measured.

`python -m eventkit rehearse` starts N simulated attendees, each a real
Streamlit client on a websocket (see client.py), plays the facilitator
through the Store on the same database file, watches the projector, and
reports latencies, errors, the server's CPU and memory, and whether the
database holds exactly the submissions the screens acknowledged.

The package imports nothing heavy at import time (the CLI loads it for
every command); use eventkit.rehearse.runner.rehearse and .scenario.Settings.
"""
