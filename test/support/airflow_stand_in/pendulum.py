"""Stand-in for pendulum.datetime, the one pendulum name a gppart DAG uses."""
import datetime as _datetime


def datetime(year, month, day, tz=None):
    return _datetime.datetime(year, month, day)
