-- Which handoff of its conversation a queued item belongs to. A conversation may be handed over again while
-- items of its previous handoff still wait (the provider failing, a backlog): a message of a handoff the
-- operator ended is not delivered (messageUndelivered chatEnded), and the queued close of a LiveChat chat
-- that a newer handoff has taken up again does not end that newer handoff.
alter table conversation add column handoff_no bigint not null default 0;
alter table client_message add column handoff_no bigint not null default 0;
