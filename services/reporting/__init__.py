"""What a report shows, read from stored data (never recomputed here), the report files recorded,
and the city roll-up.
"""
