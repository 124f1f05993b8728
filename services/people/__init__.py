"""People: web users and their passwords, who may see and change what, subscriptions, and the
audience of an event (who is told about what).
"""
