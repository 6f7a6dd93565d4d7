"""Pure analysis over frames: NPS, trends, segments, benchmarks, churn, drivers, comments, health."""
