-- The provider's current thread of the chat: a late close notification of an older thread must not
-- end a newer handoff.
alter table conversation add column provider_thread_id varchar(128);

-- Keys seen once: a client's messageId, a provider webhook's event id. Kept 48 h (the contract says 24 h at least).
create table processed_key (
    scope      varchar(64)  not null,
    key_value  varchar(256) not null,
    created_at bigint       not null,
    primary key (scope, key_value)
);
