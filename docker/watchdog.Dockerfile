# The watchdog image: FROM scratch, the compiled watchdog and its run-time libraries. It is a base:
# a function image adds its program and says how to run it, e.g.
#
#   FROM nanofaas/watchdog:latest
#   COPY my-filter /my-filter
#   ENV EXECUTION_MODE=STDIO WATCHDOG_CMD=/my-filter
#
# (test/e2e/fixtures/slow-upper.Dockerfile is such an image). The program must run without a
# shell: WATCHDOG_CMD is split into an argv, and there is no /bin/sh here.
FROM scratch
COPY dist/rootfs/ /
COPY dist/watchdog /watchdog
USER 65532:65532
# Warm pods serve /invoke, /health and /metrics on PORT; the deployment backends set these too.
ENV WARM=true PORT=8080
EXPOSE 8080
ENTRYPOINT ["/watchdog"]
