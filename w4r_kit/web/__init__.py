"""The self-service page (SPEC §11): a thin Starlette layer over the library API.

`create_app(project)` in `app.py`; `w4r-kit serve` runs it with uvicorn.
"""
