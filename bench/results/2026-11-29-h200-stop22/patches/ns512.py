import os, runpy, sys
os.environ["PG_NS"] = "512"
runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "backoff.py"), run_name="__main__")
