-- PROTOCOL v1.1 §4: attributable trust and incident aggregation.
-- attributable: only the holder of the device's key can have caused the event (it cost, or may cost, trust).
-- incident_of: null for the first event of an incident (its head); else the head it was counted into.
-- incident_count: on a head, how many events its incident holds so far (one device, one kind, 60 s).
alter table security_events add column attributable boolean not null default false;
alter table security_events add column incident_of bigint;
alter table security_events add column incident_count integer not null default 1;
create index security_events_incident on security_events (device_id, kind, id);
create index security_events_heads on security_events (incident_of, id);

-- 'incident_count' rows carry the running count of an aggregated incident to the chain (IncidentCounted).
alter table ledger_outbox add column incident_count integer;

-- PROTOCOL v1.1 §3: a batch leaf that is not stored as a log of its own batch: the same log was already stored
-- by another batch (stored_in), or another log with its device and sequence was (conflict: a replay event).
-- Kept so the batch's root still recomputes from the database.
create table batch_leaves (
    batch_id    uuid not null,
    leaf_index  integer not null,
    canonical   varchar(8192) not null,
    stored_in   uuid,
    conflict    boolean not null,
    primary key (batch_id, leaf_index)
);
