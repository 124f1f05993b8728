"""Prefect flows and their deployments: thin orchestration of the use cases in `services/`, delivery and
reports; no business rules.
"""
