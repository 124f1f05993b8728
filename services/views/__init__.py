"""Read models for the CLI, the web and the API: the JSON contract, the programme overview, one
item, one project, the audit history, and the dashboard. Nothing here writes.
"""
