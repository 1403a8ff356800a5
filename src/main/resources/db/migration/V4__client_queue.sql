-- The client-message queue (gateway-api.md §9): what the bot handed over (answered 202), kept until the
-- provider has it. One row per message or close, in acceptance order per conversation: the increment of
-- conversation.last_client_seq locks the conversation row, so seq order is commit order, whichever
-- instance accepted the message.
alter table conversation add column last_client_seq bigint not null default 0;

create table client_message (
    conversation_id  varchar(128) not null,
    seq              bigint       not null,
    kind             varchar(8)   not null,           -- MESSAGE | CLOSE
    message_id       varchar(128),                    -- the bot's messageId; null for a close
    body             text         not null,           -- the message, or the close's closing text, as JSON
    destination      varchar(64),                     -- the handoff it was accepted into
    provider         varchar(32)  not null,
    provider_chat_id varchar(128),
    created_at       bigint       not null,
    attempts         int          not null default 0,
    next_attempt_at  bigint       not null default 0, -- due, or owned by an attempt until then
    owner            varchar(64),                     -- the instance whose attempt owns it
    last_error       varchar(512),
    done_at          bigint,                          -- delivered, or given up (outcome says which)
    outcome          varchar(32),                     -- delivered | chatEnded | providerRejected | fileUnavailable | expired
    primary key (conversation_id, seq)
);
-- one messageId reaches the operator once, whichever instances it was posted to
create unique index client_message_id on client_message (conversation_id, message_id);
create index client_message_pending on client_message (done_at, next_attempt_at);
