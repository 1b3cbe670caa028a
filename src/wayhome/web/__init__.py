"""The web shell: the FastAPI application, shared dependencies, error mapping and templates."""
