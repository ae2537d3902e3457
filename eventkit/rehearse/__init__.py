"""Rehearse an event: simulated phones against a running server, measured.

`python -m eventkit rehearse` starts N simulated attendees, each an HTTP
phone on the HTML attendee pages that follows the room by their event stream
(http_attendee.py), plays the facilitator through the Store on the same
database file, watches the projector (a real Streamlit client on a websocket,
client.py), and reports latencies, errors, the server's CPU and memory, and
whether the database holds exactly the submissions the phones acknowledged.

The package imports nothing heavy at import time (the CLI loads it for
every command); use eventkit.rehearse.runner.rehearse and .scenario.Settings.
"""
