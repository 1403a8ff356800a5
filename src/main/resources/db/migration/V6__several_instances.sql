-- Several instances (gateway-api.md §8): the instance pushing an event owns it until next_attempt_at
-- (its lease); another takes it over after that. The owner is for people reading the table, and lets
-- an attempt that outlived its lease leave the new owner's schedule alone.
alter table conversation_event add column lease_owner varchar(128);

-- A provider's customer token of a conversation, shared by the instances so it is granted once per
-- lifetime across them (README "Running several instances"). The token is sealed (AES-GCM, a key derived
-- from the provider credentials in the configuration, never stored): the database alone does not give
-- it away. grant_owner/grant_until: the instance granting one now; the others wait for it meanwhile.
create table customer_token (
    conversation_id varchar(128)  not null,
    provider        varchar(32)   not null,
    sealed_token    varchar(2048),
    renew_at        bigint        not null default 0,
    grant_owner     varchar(128),
    grant_until     bigint        not null default 0,
    primary key (conversation_id, provider)
);
