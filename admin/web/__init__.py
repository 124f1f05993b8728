"""The web admin: FastAPI with server-rendered Jinja2 pages and a JSON API under /api."""
