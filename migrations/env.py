import logging
from logging.config import fileConfig

import click
from alembic import context
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging, but only when nothing has set logging up
# yet (the flask CLI): inside the app or under pytest this would remove their handlers,
# and by default fileConfig would also silence every logger that already exists.
if config.config_file_name is not None and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
    # The app's logger has Flask's own handler already: its lines (a failing migration's report,
    # app.outage) would otherwise be printed twice, once more by the root handler just added.
    if current_app.logger.handlers:
        current_app.logger.propagate = False
logger = logging.getLogger("alembic.env")


def get_engine():
    # Flask-SQLAlchemy 3: get_engine() is deprecated (and a warning fails the tests).
    return current_app.extensions["migrate"].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
    except AttributeError:
        return str(get_engine().url).replace("%", "%%")


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True)

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()
    try:
        connection = connectable.connect()
    except Exception as error:  # noqa: BLE001 - any connection fault: one line saying what to do, no traceback
        from app.schema import cannot_migrate

        raise SystemExit(cannot_migrate(current_app, error)) from None

    dialect = connection.dialect.name
    try:
        with connection:
            if dialect == "postgresql":
                # A migration may take longer than a page's statements are allowed (app/config.py,
                # DATABASE_STATEMENT_TIMEOUT_SECONDS): it must finish, not stop half-way.
                connection.exec_driver_sql("SET statement_timeout = 0")
                connection.commit()
            context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)
            from app.schema import several_markers

            # Only what would change it (`db current` looks; `db stamp --purge head` is Alembic's
            # own mend: regression review). Run from code, not a command: checked.
            asked = click.get_current_context(silent=True)
            changing = asked is None or asked.info_name in ("upgrade", "downgrade")
            if several := several_markers(frozenset(context.get_context().get_current_heads())):
                if changing:
                    raise SystemExit(f"Space to Think cannot change the database: {several}")
                # (Said, not refused: `db current` shows one of them only, as if all were well.)
                click.echo(f"Warning: {several}", err=True)

            with context.begin_transaction():
                context.run_migrations()
    except SQLAlchemyError as error:
        # Which migration, and the error by type, SQLSTATE, statement and frames: never what the
        # database said, which may quote a stored row (a person's name). Exits with status 1.
        from app.outage import migration_failed

        raise SystemExit(migration_failed(error, dialect)) from None


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
