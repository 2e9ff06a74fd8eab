"""The communication service: the activity log, the memo and its tasks, actions and tickets."""
