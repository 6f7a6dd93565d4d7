"""The data contract and its primitives: canonical columns, periods, digests."""
