"""Backups of an installation: the database (SQLite's online backup, PostgreSQL's ``pg_dump``), the
uploaded files, and a manifest with their checksums, the counts of every table and the audit head.

An entry shell: it reads every table by name and calls no domain's services. ``docs/operations.md``
("Backups and restore") is its guide.
"""
