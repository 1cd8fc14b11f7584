"""The JSON API (``/api/v1``): dependencies, error format and routers."""
