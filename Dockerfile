# The container image of a release: GoReleaser (dockers_v2 in .goreleaser.yaml) builds it
# with the release binary of each platform in the build context at $TARGETPLATFORM/scanner.
# The base image has no shell and no package manager, and runs as the non-root user
# nonroot (65532).
FROM gcr.io/distroless/static-debian12:nonroot
ARG TARGETPLATFORM
COPY $TARGETPLATFORM/scanner /usr/bin/scanner
USER nonroot:nonroot
WORKDIR /work
ENTRYPOINT ["/usr/bin/scanner"]
CMD ["--help"]
