"""A throw-away PostgreSQL server for tests and scripts, through scripts/lib/local-postgres (the one place that runs initdb and pg_ctl)."""
import os
import subprocess

SOURCE_DIR = os.environ.get("DYNDNS_SOURCE_DIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "../..")
SCRIPT = os.path.join(SOURCE_DIR, "scripts/lib/local-postgres")


class PostgresServer:
    """PostgreSQL on 127.0.0.1:port with its files in `directory`; superuser postgres, trust authentication."""

    def __init__(self, directory, port):
        """`directory`'s parent must let others through (search permission): the server runs as its own user."""
        self.dir = directory
        self.port = port

    def _script(self, *args):
        result = subprocess.run([SCRIPT, *args], capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"local-postgres {args[0]} failed: {result.stdout}{result.stderr}")

    def start(self):
        self._script("start", self.dir, str(self.port))
        return self

    def stop(self):
        """A fast shutdown: sessions are cut at once (what a crashed or restarted database looks like)."""
        self._script("stop", self.dir)

    def connection(self, database="postgres", **extra):
        """A libpq connection string for `database`; extra key=value pairs appended."""
        text = f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"
        return " ".join([text] + [f"{key}={value}" for key, value in extra.items()])

    def sql(self, statement, database="postgres"):
        """Runs one statement with psql; its output rows, '|'-separated."""
        result = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.connection(database),
                                 "-c", statement], capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr}")
        return [line for line in result.stdout.splitlines() if line]

    def create_database(self, name, **extra):
        """A new empty database; its connection string."""
        self.sql(f"CREATE DATABASE {name}")
        return self.connection(name, **extra)
