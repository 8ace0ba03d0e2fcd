-- GET /stats reads the anomalous-log count from server_counters (V8), and no other query selects logs by label
-- alone (an alert's logs are found by device and device time). The index cost every stored log one more B-tree
-- insert, written at every commit.
drop index if exists logs_ml_label;
