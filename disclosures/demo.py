"""Fictional answers used by the demo data and the tests: a complete, valid answer document."""


def demo_answers() -> dict:
    """A complete answer: every section filled, one licensed source claimed as a trade secret."""
    return {
        "provider": {
            "legal_name": "Kumo K.K.",
            "contact_in_japan": "東京都千代田区1-1",
            "contact_email": "legal@kumo.example.jp",
            "model_names": ["Kumo Video 2.1"],
            "release_date": "2025-04-01",
            "channels": ["api"],
            "tier": "public",
            "reason": "",
        },
        "training_data": {
            "modalities": ["video", "text"],
            "content_types": ["anime", "web_text"],
            "latest_collection_date": "2025-01-31",
            "japanese_share_percent": 12.5,
            "total_size": 3.2,
            "size_unit": "tb",
            "tier": "public",
            "reason": "",
        },
        "sources": [
            {
                "name": "Common Crawl 2024",
                "kind": "web_crawl",
                "modality": "text",
                "top_domains": ["example.jp", "news.example.com"],
                "consent_basis": "opt_out_honoured",
                "reservations_honoured": ["robots_txt", "tdmrep"],
                "tier": "public",
                "reason": "",
            },
            {
                "name": "Studio archive",
                "kind": "licensed",
                "modality": "video",
                "consent_basis": "opt_in_licence",
                "licence_grantor": "Studio Example",
                "licence_scope": "Training only",
                "licence_start": "2024-01-01",
                "rights_holders": ["Studio Example"],
                "tier": "trade_secret",
                "reason": "Commercial terms of the licence.",
            },
        ],
        "output_filters": [
            {
                "kind": "blocklist",
                "blocks": "Named characters",
                "pipeline_stage": "input",
                "live_since": "2025-03-01",
                "block_rate_percent": 98.0,
                "tier": "public",
                "reason": "",
            }
        ],
        "takedown": {
            "contact_point_ja": "著作権窓口",
            "complaint_contents": "Work, URL, proof of rights",
            "steps": "Receive, check, decide",
            "target_days": 14,
            "model_measures": ["output_block"],
            "received": 10,
            "upheld": 4,
            "rejected": 5,
            "tier": "public",
            "reason": "",
            "channels": [{"kind": "email", "address": "takedown@kumo.example.jp", "tier": "public", "reason": ""}],
        },
        "governance": {
            "copyright_policy": "We respect rights reservations.",
            "officer_name": "山田太郎",
            "attestation": True,
            "tier": "public",
            "reason": "",
        },
    }
