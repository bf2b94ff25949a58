"""The partner side: read exports, map them to RawCase, anonymise, keep anonymous payloads in a
durable outbox and deliver them to the Centre over its signed HTTP API. Imports ``anonymiser``,
never ``ciateh``."""
