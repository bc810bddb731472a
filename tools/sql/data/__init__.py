"""Data files of tools.sql: PostgreSQL 15's function, operator and implicit-cast catalog."""
