"""Schedule health (序时进度): the nightly recomputation and its set-based SQL, the warning digests it
queues, the office's judgements on a status, and reading back what was stored.
"""
