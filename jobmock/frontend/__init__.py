"""What a frontend developer's browser needs, as layers of connexion's stack.

wiring           the layers below, chosen from the config and installed on the app
cors             CORS for any dev origin
overrides        `Prefer` overrides: a status, an example, a job's state, per request
faults           what a fault is (latency, errors, drops) and how it is written
fault_injection  the faults in force (kept in the store) and the middleware that applies them
dashboard        the page at `/_mock/`
"""
