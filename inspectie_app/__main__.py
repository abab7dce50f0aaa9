"""``python -m inspectie_app`` = ``inspectie-app``."""

from inspectie_app.cli import main

raise SystemExit(main())
