-- A heartbeat's +1 is not sent when the device's trust is already 100 on chain with nothing of its own in flight
-- (the contract would clamp it to nothing, at about 8,000 gas); this finds a device's open rows without a scan.
create index ledger_outbox_device_open on ledger_outbox (device_id, state);
