"""The only code that knows SQL: SQLAlchemy models, the unit of work and the Alembic migrations."""
