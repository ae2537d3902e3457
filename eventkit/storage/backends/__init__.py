"""What differs between the two engines, one small module each.

Both offer the same methods to `StoreBase`: `borrow()` a connection (a
`Db`), `begin_write`, `begin_snapshot`, `write_one`, `rollback`,
`faults_named`, `migrate`, `table_names`, `integrity_ok`, `compact`,
`backup_whole`, `reset_ids`, `release`, `close` and `describe`. The domain
SQL itself is shared. They import only the storage package's leaves
(db, errors, faults), never base.
"""
