"""What differs between the two engines, one small module each.

Both offer the same methods to `StoreBase`: `borrow()` a connection (a
`Db`), `begin_write`, `begin_snapshot`, `write_one`, `migrate`,
`table_names`, `integrity_ok`, `compact`, `backup_whole`, `reset_ids`,
`release`, `close` and `describe`. The domain SQL itself is shared.
"""


def split_statements(sql: str) -> list[str]:
    """Split a migration script into statements (no semicolons inside them)."""
    return [s.strip() for s in sql.split(";") if s.strip()]
