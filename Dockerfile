# The control-plane image: FROM scratch, the compiled binary and only what it needs at run time
# (the dynamic loader and the glibc libraries `ldd` lists, the CA bundle, a passwd entry for the
# non-root user, an empty /tmp). No shell, no package manager, nothing to exec into.
#
# `just image` compiles dist/nanofaas, stages dist/rootfs (scripts/build-rootfs.ts) and sends only
# the files named here to Docker (scripts/build-image.sh), so this builds with no registry.
# `docker build .` from the repository root also works after `just build` (see .dockerignore).
FROM scratch
# Shared by every nanofaas image: byte-identical, so Docker stores this layer once.
COPY dist/rootfs/ /
COPY dist/nanofaas /nanofaas
USER 65532:65532
# Reachable from outside the container: the default (127.0.0.1) would make the ports useless here.
ENV NANOFAAS_BIND_HOST=0.0.0.0
# With that bind, every API call needs an API key (docs/security.md): mount a keys file and set
# NANOFAAS_API_KEYS_FILE, or set NANOFAAS_AUTH=none with NANOFAAS_AUTH_ALLOW_ANONYMOUS=true on purpose.
ENV NANOFAAS_AUTH=apikey
# The SQLite state store (docs/persistence.md): mount a volume here to keep functions and queued
# work across container restarts (or set NANOFAAS_STORE=postgres).
ENV NANOFAAS_DATA_DIR=/data
VOLUME /data
# API, management (health, metrics).
EXPOSE 8080 8081
ENTRYPOINT ["/nanofaas"]
