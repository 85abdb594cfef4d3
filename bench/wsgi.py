"""The app as the HTTP benchmarks serve it: as `make run` does, except that one person may plan a
pathway as often as wrk asks. wrk sends one signed-in person's pathway page again and again
(about a hundred times a second), which the per-person limit (RATELIMIT_PATHWAYS, 60 a minute)
answers with 429 after the first minute's sixty; the limiter still counts every request, so what
it costs is measured."""

from ddat import create_app

app = create_app(RATELIMIT_PATHWAYS="1000000 per minute")
