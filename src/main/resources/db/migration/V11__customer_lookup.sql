-- A LiveChat webhook of a chat the gateway does not know yet is matched by its customer (the chat's users):
-- the first chat of a handoff being opened, whose start_chat answer has not arrived.
create index provider_account_customer on provider_account (provider, customer_id);
