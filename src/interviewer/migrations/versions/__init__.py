"""The migration scripts, one revision a file."""
