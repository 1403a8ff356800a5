-- The Dialogflow door keeps a message's lines in the transcript once: a channel that sends the same messageId
-- again (after a 5xx, when the switch failed) does not add them twice, and a switch's history leaves them out.
alter table dialogflow_turn add column message_id varchar(128);
create index dialogflow_turn_message on dialogflow_turn (conversation_id, message_id);
