-- Portable between H2 and PostgreSQL: times are epoch milliseconds, JSON is text.

create table conversation (
    conversation_id  varchar(128) primary key,
    state            varchar(16)  not null,           -- BOT | WAITING | OPERATOR
    destination      varchar(64),
    provider         varchar(32),
    provider_chat_id varchar(128),
    operator_id      varchar(256),
    operator_name    varchar(256),
    handoff_json     text,                            -- the switch of the current handoff (close phrases, lastMessage...)
    last_seq         bigint       not null default 0, -- seq of the newest event; events get last_seq + 1
    lease_until      bigint       not null default 0, -- a handoff start in progress holds the conversation until then
    created_at       bigint       not null,
    updated_at       bigint       not null
);

-- The conversation's identity on a provider: LiveChat customer entity_id and chat id, LiveTex user_id.
create table provider_account (
    conversation_id varchar(128) not null,
    provider        varchar(32)  not null,
    customer_id     varchar(256),
    chat_id         varchar(128),
    primary key (conversation_id, provider)
);
create index provider_account_chat on provider_account (provider, chat_id);

-- requestId idempotency: status is null while the first try is in progress.
create table handoff_request (
    conversation_id varchar(128) not null,
    request_id      varchar(128) not null,
    status          int,
    response        text,
    created_at      bigint       not null,
    primary key (conversation_id, request_id)
);

-- The events the bot receives, in seq order per conversation.
create table conversation_event (
    conversation_id varchar(128) not null,
    seq             bigint       not null,
    type            varchar(64)  not null,
    body            text         not null,
    created_at      bigint       not null,
    delivered_at    bigint,
    attempts        int          not null default 0,
    next_attempt_at bigint       not null default 0,
    primary key (conversation_id, seq)
);
create index conversation_event_pending on conversation_event (delivered_at, next_attempt_at);
