-- The Dialogflow front door (gateway-api.md §7). Portable between H2 and PostgreSQL: times are epoch milliseconds.

-- A conversation's Dialogflow session: which agent it belongs to, and the resume owed after a handoff.
create table dialogflow_session (
    conversation_id    varchar(128) primary key,
    agent              varchar(64)  not null,
    session_id         varchar(36)  not null,
    language_code      varchar(35),                 -- the last one a message named; null = the agent's
    handoff_seq        bigint,                      -- set while a handoff runs: the conversation's last_seq when it
                                                    --   started; the first livechatFinished after it is resumed once
    resume_attempts    int          not null default 0,
    resume_next_at     bigint       not null default 0,
    resume_lease_until bigint       not null default 0,  -- an instance sending the resume event holds it until then
    created_at         bigint       not null,
    updated_at         bigint       not null
);
create index dialogflow_session_resume on dialogflow_session (handoff_seq);

-- The transcript the door keeps for the operator: the last 50 turns of each conversation.
create table dialogflow_turn (
    conversation_id varchar(128) not null,
    seq             bigint       not null,
    from_party      varchar(8)   not null,          -- client | bot
    text            text         not null,
    created_at      bigint       not null,
    primary key (conversation_id, seq)
);

-- messageId idempotency of the door: status is null while the first try is in progress. Kept 48 h.
create table dialogflow_message (
    conversation_id varchar(128) not null,
    message_id      varchar(128) not null,
    status          int,
    answer          text,
    created_at      bigint       not null,
    primary key (conversation_id, message_id)
);
