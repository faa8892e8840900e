"""connexion's built-in mock, built exactly as `connexion run SPEC --mock all` builds it, served by
uvicorn with the access log off (as jobmock, Prism and the Starlette ceiling are run).

    python bench/connexion_mock.py SPEC PORT
"""

from __future__ import annotations

import logging
import sys

import uvicorn
from connexion.cli import create_app, parser


def main() -> None:
    spec, port = sys.argv[1], int(sys.argv[2])
    app = create_app(
        parser.parse_args(["run", spec, "--mock", "all", "-H", "127.0.0.1", "-p", str(port)])
    )
    logging.getLogger().setLevel(
        logging.ERROR
    )  # connexion's CLI configures WARNING; mute per-request 4xx logs
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
