"""What a notebook holds in hand: one client's report, the portfolio, follow-up lists."""
