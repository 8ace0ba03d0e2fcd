-- No query reads logs by stored_at (the export appends as logs are stored; lists page by id or by device and
-- sequence). Its index cost every stored log one more B-tree insert, written at every commit.
drop index if exists logs_stored;
