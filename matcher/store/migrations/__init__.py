"""Alembic migrations for the LifeWeb Match database, applied in place by ``open_store``."""
