"""Moving one project through its stages: the request, the facts it is decided on, the store that
locks, reads and writes them, and the outbox rows queued with the change.

The decision itself is pure and lives in `states.decision`; this package loads its facts, asks it,
and stores what it decided, in one unit of work.
"""
