"""`python -m odr.serve [--host H] [--port P]`: one server process holding many connections with
gevent: each connection a greenlet, websockets through simple-websocket. `flask odr serve` hands
over to it when SOCKETIO_ASYNC_MODE is `gevent`, since gevent must patch the standard library
before anything else is imported.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import gc  # noqa: E402
import sys  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m odr.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default=5000, type=int)
    args = parser.parse_args(argv)

    from odr import create_app
    from odr.core.pool import PoolTooLarge, check_pool
    from odr.extensions import db, socketio

    app = create_app()
    if app.config["SOCKETIO_ASYNC_MODE"] != "gevent":
        sys.exit("python -m odr.serve serves with gevent: set SOCKETIO_ASYNC_MODE=gevent")
    with app.app_context():
        try:
            summary = check_pool(app, db.engine)
        except PoolTooLarge as error:
            sys.exit(f"Error: {error}")
    if summary:
        print(summary, flush=True)
    if app.config["SCHEDULER_IN_WEB_PROCESS"]:
        from odr.deadlines.scheduler import start_in_background

        start_in_background(app)
    # Objects made at start-up live as long as the process: keep them out of garbage collection.
    gc.collect()
    gc.freeze()
    print(f"ODR platform on http://{args.host}:{args.port}/  (gevent; Ctrl+C to stop)", flush=True)
    socketio.run(app, host=args.host, port=args.port, debug=False, use_reloader=False, log_output=False)


if __name__ == "__main__":
    main()
