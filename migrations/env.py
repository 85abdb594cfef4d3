import os

from alembic import context
from sqlalchemy import engine_from_config, pool
from sqlmodel import SQLModel

from ddat import models  # noqa: F401 - registers the tables on SQLModel.metadata
from ddat.config import Config

config = context.config
if not config.get_main_option("sqlalchemy.url"):
    config.set_main_option("sqlalchemy.url", os.environ.get("DATABASE_URL", Config.SQLALCHEMY_DATABASE_URI))

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
