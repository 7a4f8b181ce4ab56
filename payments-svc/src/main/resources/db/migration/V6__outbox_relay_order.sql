-- The outbox relay takes several events of one ordering key per pass, leaving out those behind an
-- earlier pending event of the key that is backing off; this index answers that look-up from the
-- pending rows alone.
create index outbox_pending_key on outbox (ordering_key, seq) where published_at is null;
