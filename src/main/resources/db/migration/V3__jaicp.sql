-- Where each JAICP Operator API channel wants operator events (its setWebhook call).
create table jaicp_channel (
    channel     varchar(64)   primary key,
    webhook_url varchar(2048) not null,
    updated_at  bigint        not null
);
