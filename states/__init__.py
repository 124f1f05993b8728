"""Pure domain of Shishi: stages, the stage machine, prerequisites, schedule-health arithmetic and
reporting periods. No database, no I/O.
"""
