# A Go function image: FROM scratch with nothing but the static binary (CGO_ENABLED=0, standard
# library only, runtimes/go) — no loader, no libraries, no CA bundle (callbacks go to the control
# plane over plain HTTP inside the cluster). `just image-go-examples` builds nanofaas/<name>-go.
FROM scratch
ARG FUNCTION
COPY dist/functions/${FUNCTION} /function
USER 65532:65532
ENV PORT=8080
EXPOSE 8080
ENTRYPOINT ["/function"]
