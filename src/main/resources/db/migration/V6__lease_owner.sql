-- Several instances (gateway-api.md §8): the instance pushing an event owns it until next_attempt_at
-- (its lease); another takes it over after that. The owner is for people reading the table, and lets
-- an attempt that outlived its lease leave the new owner's schedule alone.
alter table conversation_event add column lease_owner varchar(128);
