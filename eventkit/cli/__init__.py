"""`python -m eventkit`: the command line (main.py builds the parser and dispatches;
staff.py, purge.py and serve.py hold their commands)."""
