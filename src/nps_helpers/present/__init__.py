"""Words, charts and tables for a reader: the translator, plots, HTML tables, commentary."""
