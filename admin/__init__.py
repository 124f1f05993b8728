"""Entry points: the `shishi` command line (and, later, the web admin)."""
