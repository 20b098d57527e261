class CronTriggerTimetable:
    def __init__(self, cron, *, timezone):
        self.cron, self.timezone = cron, timezone
