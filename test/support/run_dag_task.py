"""Imports a DAG file from `gppart export airflow` with the Airflow stand-in on the path and runs
one task group as Airflow would call it: the plan task, then the apply task (its XCom from the
plan, the try number given). Writes how each ended to a JSON file; stdout is the task log.

usage: run_dag_task.py DAG_FILE GROUP_ID TRY_NUMBER RESULT_FILE"""
import importlib.util
import inspect
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "airflow_stand_in"))

from airflow.exceptions import AirflowException, AirflowFailException, AirflowSkipException  # noqa: E402
from airflow.operators import python as operators  # noqa: E402


class TaskInstance:
    def __init__(self, xcom, try_number):
        self.xcom, self.try_number = xcom, try_number

    def xcom_pull(self, task_ids):
        return self.xcom.get(task_ids)


def run(task, ti):
    """Calls the task's callable with its op_kwargs and, like Airflow, `ti` when it asks for it."""
    kwargs = dict(task.op_kwargs)
    if "ti" in inspect.signature(task.python_callable).parameters:
        kwargs["ti"] = ti
    try:
        return {"state": "success", "value": task.python_callable(**kwargs)}
    except AirflowSkipException as e:
        return {"state": "skipped", "message": str(e)}
    except AirflowFailException as e:
        return {"state": "failed", "message": str(e)}
    except AirflowException as e:
        return {"state": "up_for_retry", "message": str(e)}


def main(dag_file, group_id, try_number, result_file):
    spec = importlib.util.spec_from_file_location("gppart_dag", dag_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    tasks = {t.task_id: t for t in operators.TASKS}
    xcom = {}
    ti = TaskInstance(xcom, int(try_number))
    plan = run(tasks[group_id + ".plan"], ti)
    if plan["state"] == "success":
        xcom[group_id + ".plan"] = plan["value"]
    apply = run(tasks[group_id + ".apply"], ti)
    with open(result_file, "w", encoding="utf-8") as f:
        json.dump({"plan": plan, "apply": apply}, f)


if __name__ == "__main__":
    main(*sys.argv[1:])
