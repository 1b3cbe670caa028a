"""Storage: SQLAlchemy engine, the declarative base and Alembic migrations."""
