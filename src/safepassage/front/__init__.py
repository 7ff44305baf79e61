"""The front of `safepassage serve`: what stands between the network and
the application, so that slow or hostile clients cost a connection, never
a worker.

- gunicorn is the process manager (workers, the pid file, HUP to replace
  every worker when the vault is sealed);
- each worker runs uvicorn's event loop (``worker.FrontWorker``), which
  holds any number of connections up to SAFEPASSAGE_SERVE_CONNECTIONS;
- ``protocol.DeadlineProtocol`` gives each request's headers a deadline
  and a size limit, and drops a client that stops reading a response;
- ``app.Front`` reads each whole body (with a deadline that grows with
  what arrives, and a size limit) into a sealed spool, then runs the WSGI
  application on a worker thread, and holds the whole response until the
  client takes it: no application thread ever waits for the network;
- ``logs`` keeps client addresses out of every log line.
"""
