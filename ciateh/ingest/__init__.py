"""The ingestion API: signed batches of anonymous records, behind the privacy gate."""
