-- GET /stats counts the anomalous logs on every call (the dashboard and `vigil loadgen` poll it). Without an index
-- that count read the whole logs table each time: 5 % of the server's CPU in a 30,000-message benchmark, and
-- linear in the table's size. With it, the count reads only the anomalous entries.
create index logs_ml_label on logs (ml_label);
