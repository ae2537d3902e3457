"""`python -m eventkit`: runs the command line (eventkit/cli/main.py)."""

from eventkit.cli.main import main

raise SystemExit(main())
