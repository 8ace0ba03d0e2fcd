-- GET /health writes here: a database that answers reads but cannot write (disk full) is reported down.
create table health_probe (
    id         integer primary key,
    checked_at bigint not null
);
insert into health_probe (id, checked_at) values (1, 0);
