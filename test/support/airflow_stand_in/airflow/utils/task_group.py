CURRENT = []


class TaskGroup:
    def __init__(self, group_id, tooltip=""):
        self.group_id, self.tooltip = group_id, tooltip

    def __enter__(self):
        CURRENT.append(self)
        return self

    def __exit__(self, *exc):
        CURRENT.pop()
        return False
