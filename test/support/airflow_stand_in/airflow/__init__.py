"""Stand-in: DAG records its arguments and the operators created inside it."""

DAGS = []


class DAG:
    def __init__(self, **kwargs):
        self.kwargs = kwargs
        self.tasks = []
        DAGS.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
