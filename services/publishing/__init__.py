"""Published periods: freezing a period's report, the warning when a change falls inside one, the diff of two."""
