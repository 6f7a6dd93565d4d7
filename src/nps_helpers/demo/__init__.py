"""Deterministic demo data: clients, customers, invitations, responses and reviews.

``write_demo_store`` fills a store (``nps-report demo-data``); the profiles say what is
true in each client's data, and ``comment_bank`` lists every demo comment with its
industry and the themes (codes of that industry's codeframe) it was built from.
"""
from .comments import COMMENT_LANGUAGES, DEMO_INDUSTRIES, INDUSTRY_THEMES, SENTIMENTS, comment_bank
from .generate import END, START, DemoTables, client_tables
from .profiles import CHURN_LINKS, CURATED, ClientProfile, DemoEvent, client_params, demo_profiles
from .write import write_client_params, write_demo_store

__all__ = [
    "CHURN_LINKS",
    "COMMENT_LANGUAGES",
    "CURATED",
    "DEMO_INDUSTRIES",
    "END",
    "SENTIMENTS",
    "INDUSTRY_THEMES",
    "START",
    "ClientProfile",
    "DemoEvent",
    "DemoTables",
    "client_params",
    "client_tables",
    "comment_bank",
    "demo_profiles",
    "write_client_params",
    "write_demo_store",
]
