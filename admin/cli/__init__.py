"""The `shishi` command line."""
