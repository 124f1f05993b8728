"""Prefect flows: thin orchestration of the use cases in `services/`."""
