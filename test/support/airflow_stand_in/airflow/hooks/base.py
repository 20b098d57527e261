import json
import os


class Connection:
    def __init__(self, host=None, port=None, login=None, password=None, schema=None, extra=None):
        self.host, self.port, self.login, self.password, self.schema = host, port, login, password, schema
        self.extra_dejson = extra or {}


class BaseHook:
    @staticmethod
    def get_connection(conn_id):
        connections = json.loads(os.environ["GPPART_TEST_CONNECTION"])
        return Connection(**connections[conn_id])
