"""The store and getting data into it: Parquet partitions, ingest, client time zones."""
