-- H2 only. Identity columns hand out numbers from a cache of 1,000 (issue 15). With the default of 32, H2 wrote its
-- sequence to disk, a commit of its own, about three times for every stored batch of 100 logs; a profile put a
-- quarter of the batch store's time there. After a crash the cached numbers are skipped: ids may have gaps, never
-- repeats, and nothing reads them as counts.
alter table logs alter column id set cache 1000;
alter table gateway_pending alter column id set cache 1000;
alter table security_events alter column id set cache 1000;
alter table ledger_outbox alter column id set cache 1000;
alter table trust_history alter column id set cache 1000;
alter table ml_alerts alter column id set cache 1000;
