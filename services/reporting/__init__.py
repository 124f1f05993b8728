"""What a report shows, read from stored data (statuses computed in memory, never stored, when the
nightly did not run for the period's end), the report files recorded, and the city roll-up.
"""
