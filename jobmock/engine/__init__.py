"""The running mock: every API's runtime (spec, fixture, handlers) over one store and one clock.

mock       Mock, ApiRuntime, JobView: create, read and move jobs
resources  where the bundled specs, fixtures and handler modules live
"""
