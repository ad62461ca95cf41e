"""Batches of posts screened on a task queue (Celery workers), or in process without one.

`store` keeps batches, items and results in the registry database; `keys` says when two
items are the same screening; `runner` screens one item (the same call of the pipeline as
every screening route) and turns lasting failure into a hold; `tasks` is the Celery side
(the worker's task, publishing); `submit` accepts a batch and hands it to the queue or to a
thread of this process.
"""
