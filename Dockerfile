# syntax=docker/dockerfile:1
# Build: docker build -t ccgw-bridge .
# Run:   docker run -p 9090:9090 -p 8080:8080 -e CCGW_GATEWAY_URL=https://ccgw.example:8043 ccgw-bridge

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The context has no .git (see .dockerignore), so the build is named by arguments:
#   docker build --build-arg VERSION=$(git describe --tags --always) --build-arg REVISION=$(git rev-parse HEAD) .
ARG VERSION=devel
ARG REVISION=unknown
# Static binary: no cgo, so it runs on a distroless "static" base with no libc.
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags="-s -w -X github.com/ccgw-bridge/ccgw-bridge/buildinfo.version=${VERSION} -X github.com/ccgw-bridge/ccgw-bridge/buildinfo.revision=${REVISION}" \
      -o /out/ccgw-bridge ./cmd/ccgw-bridge

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ccgw-bridge /ccgw-bridge
USER nonroot:nonroot
EXPOSE 9090 8080
# The image has no shell or curl: the binary checks its own gRPC health service, at
# 127.0.0.1:9090 or CCGW_HEALTH_ADDR when the gRPC port was moved.
HEALTHCHECK --interval=10s --timeout=4s --start-period=5s --retries=3 CMD ["/ccgw-bridge", "health"]
ENTRYPOINT ["/ccgw-bridge"]
