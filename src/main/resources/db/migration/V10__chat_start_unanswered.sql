-- LiveChat's start_chat is not idempotent and a customer may have one chat: a start_chat whose answer was lost
-- (a timeout, a dropped connection) may have opened the chat all the same, and every later start_chat is refused.
-- Marked before the call and cleared when the chat is known, so the next handoff looks for that chat (list_chats).
alter table provider_account add column chat_start_unanswered boolean not null default false;
