"""Read by gunicorn from the directory it starts in (`make run`, `make run-cluster`, the
benchmarks).

Once a worker has loaded the app, everything it holds so far (the framework, templates,
SQLAlchemy's tables) lives as long as the worker: `gc.freeze` takes it out of Python's full
garbage collections, which otherwise walked about 200,000 such objects each time. With
200,000 people on SQLite and a submission a second, both workers paused about 125 ms at
nearly the same moment for each, and every connection waited behind them: the skills
dashboard's p95 went from 455 to 235 ms with it (docs/performance.md).
"""

import gc


def post_worker_init(worker):
    gc.freeze()
