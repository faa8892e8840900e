"""`jobmock.app:create_app`, the factory's stable address for `uvicorn --factory` (it lives in
:mod:`jobmock.serving.app`)."""

from jobmock.serving.app import create_app, create_app_from_env

__all__ = ["create_app", "create_app_from_env"]
