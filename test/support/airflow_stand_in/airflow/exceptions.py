class AirflowException(Exception):
    """Failed; Airflow retries it while retries are left."""


class AirflowFailException(AirflowException):
    """Failed; Airflow does not retry it."""


class AirflowSkipException(AirflowException):
    """Skipped."""
