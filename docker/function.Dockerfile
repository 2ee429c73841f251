# A Bun function image: FROM scratch, one binary compiled by runtimes/bun/src/build.ts (the
# runtime with the handler embedded, dist/functions/<FUNCTION>) and its run-time libraries.
# `just image-examples` builds one per TypeScript example: nanofaas/<name>:latest.
FROM scratch
COPY dist/rootfs/ /
ARG FUNCTION
COPY dist/functions/${FUNCTION} /function
USER 65532:65532
ENV PORT=8080
EXPOSE 8080
ENTRYPOINT ["/function"]
