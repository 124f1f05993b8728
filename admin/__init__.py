"""Entry points: the `shishi` command line (`admin.cli`) and the web admin (`admin.web`)."""
