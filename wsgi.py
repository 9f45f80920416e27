import gc

from portal import create_app

app = create_app()
# What exists now (modules, the app) lives as long as the process. Frozen, it is left out of the
# garbage collector's full passes, which otherwise stall a request now and then (about 80 ms
# each on a 2-core machine, scanning some 160,000 objects).
gc.freeze()
