-- A client's messageId gets its first answer again, whatever the conversation's state now (gateway-api.md §3):
-- processed_key keeps that answer's status and JSON body. Null for the keys that need none (webhook event ids).
alter table processed_key add column status int;
alter table processed_key add column answer varchar(512);
-- messageIds kept before: each was a queued message's 202; its body (the state then) was not kept
update processed_key set status = 202 where scope like 'message:%';
