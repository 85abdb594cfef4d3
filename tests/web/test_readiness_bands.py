"""Pages describe the readiness bands with the engine's thresholds."""

from pathways.scoring import DEFAULT_THRESHOLDS


def test_the_gaps_dashboard_describes_the_engines_thresholds(seeded, client, sign_in):
    sign_in("leader@example.gov.uk")
    page = client.get("/dashboards/gaps").get_data(as_text=True)
    assert DEFAULT_THRESHOLDS.ready_now == 85 and DEFAULT_THRESHOLDS.ready_with_development == 55
    assert "ready now from 85%, ready with development from 55%, otherwise a stretch" in page
