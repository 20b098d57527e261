from airflow.utils import task_group

TASKS = []


class PythonOperator:
    """Records the task under its group's id, as Airflow names it: group_id.task_id."""

    def __init__(self, task_id, python_callable, op_kwargs=None, **kwargs):
        group = task_group.CURRENT[-1].group_id if task_group.CURRENT else None
        self.task_id = f"{group}.{task_id}" if group else task_id
        self.python_callable, self.op_kwargs, self.kwargs = python_callable, op_kwargs or {}, kwargs
        TASKS.append(self)

    def __rshift__(self, other):
        other.upstream = self
        return other
