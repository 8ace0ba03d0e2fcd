-- GET /stats reads counters kept in the same transactions as the rows they count, instead of count(*) over tables
-- that only grow (a full scan per call on PostgreSQL). Seeded from the rows already there.
create table server_counters (
    name  varchar(64) primary key,
    total bigint not null
);
insert into server_counters (name, total) select 'stored', count(*) from logs;
insert into server_counters (name, total) select 'batches', count(*) from batches;
insert into server_counters (name, total) select 'anchored', count(*) from batches where anchor_tx_hash is not null;
insert into server_counters (name, total) select 'ml_alerts', count(*) from ml_alerts;
insert into server_counters (name, total) select 'ml_anomalous_logs', count(*) from logs where ml_label = 'anomalous';
insert into server_counters (name, total) select 'security_incidents', count(*) from security_events where incident_of is null;
insert into server_counters (name, total) select 'security:' || kind, count(*) from security_events group by kind;
-- Only the anomalous-logs count used this index; every stored log paid for it.
drop index logs_ml_label;
