from eventkit.cli.main import main

raise SystemExit(main())
