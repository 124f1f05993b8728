"""Use cases, one package per thing a user does; each runs in one unit of work and commits once.

- `stage_change/`: advance, suspend, resume, cancel or revert one project, and record its evidence
- `loading/`: programme files (schema, reader, checks) and loading them into the database
- `progress/`: a department's progress reports (进展报送)
- `health/`: the nightly recomputation of schedule health, its digests, and the office's judgements
- `reporting/`: the data a report shows, the report files written, the city roll-up
- `people/`: users, passwords, access, subscriptions, and who hears about what
- `views/`: the read models shown by the CLI, the web and the API

Shared by all: `errors` (domain errors with Chinese reasons), `refs` (programme, item and project
references) and `unit_of_work` (begin, commit once, roll back on error).
"""
