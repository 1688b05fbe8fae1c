"""Alembic migrations of the session store: the schema's history, applied when a store opens."""
