-- ClientToken rows are written in the transaction of the change they guard, before the response
-- is known: `response` is '' until it is stored, and `request_id` names the first request, so a
-- retry after a crash in between answers from the audit log instead of running the change again.
ALTER TABLE idempotency ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
