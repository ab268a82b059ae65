"""The database: SQLModel tables, the engine, read access for the site."""
