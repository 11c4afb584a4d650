"""Core: models, configuration, months and errors; imports nothing else of the project."""
