"""The pure model of a mocked job: no HTTP, no storage, no I/O.

scenarios   what a scenario is: phases, the API's status model, and the checks they pass
lifecycle   a job's state as a function of (job, time); forced transitions
clock       the mock clock: a value plus functions of it and the wall time
timestamps  times the way each vendor writes them
row_plans   which rows of an import fail or are skipped, seeded
"""
