"""The baseline for bench_journey.py: a bare Flask "hello" app, served by the same gunicorn settings.

gunicorn --chdir bench hello_app:app
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The smallest possible Flask page."""
    return "Hello, World!"
