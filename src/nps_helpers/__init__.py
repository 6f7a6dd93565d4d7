"""nps_helpers: survey exports in, honest NPS reports out."""
__version__ = "0.1.0"
