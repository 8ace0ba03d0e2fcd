-- ML alerts as events (issue 16): one row per episode of a device's anomalous logs, not one per log. An episode
-- holds the anomalous logs of one device that follow each other within 60 s of device time; it is raised (an alert:
-- listed, pushed, an incident on the ledger) once one of its logs reaches the alert confidence or it holds three.
-- Its sequence_no, confidence, model and detail are those of its strongest log. Rows from before were single-log
-- alerts: one log, raised.
alter table ml_alerts add column packet_count integer not null default 1;
alter table ml_alerts add column last_observed_at bigint;
alter table ml_alerts add column first_device_time bigint;
alter table ml_alerts add column last_device_time bigint;
alter table ml_alerts add column last_sequence_no bigint;
alter table ml_alerts add column raised boolean not null default true;
create index ml_alerts_open on ml_alerts (device_id, last_device_time);
