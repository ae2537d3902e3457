"""Who may do what: passcode hashing and tokens, staff sign-in and its throttles,
and the facilitator's Console of actions."""
