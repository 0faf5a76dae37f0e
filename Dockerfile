# walint in a container: `docker run --rm -v "$PWD:/src" walint check`.
# Two stages: the build needs Rust's toolchain, the image only the binary, Debian's slim
# base (a shell, for CI systems that run scripts in the image, such as GitLab) and a user
# that is not root. The base images are arguments so that a mirror (or CI without a
# registry) can name its own.
ARG RUST_IMAGE=docker.io/library/rust:1-slim-bookworm
ARG RUNTIME_IMAGE=docker.io/library/debian:bookworm-slim

FROM ${RUST_IMAGE} AS build
WORKDIR /build
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY rules ./rules
COPY benches ./benches
# Only the binary leaves the stage: the release build's gigabyte goes with the same step.
RUN cargo build --release --locked --bin walint \
    && cp target/release/walint /usr/local/bin/walint \
    && /usr/local/bin/walint --version \
    && rm -rf target

FROM ${RUNTIME_IMAGE}
LABEL org.opencontainers.image.title="walint" \
      org.opencontainers.image.description="A compliance linter for WhatsApp Business Platform integrations" \
      org.opencontainers.image.licenses="MIT"
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin walint
COPY --from=build /usr/local/bin/walint /usr/local/bin/walint
USER 10001:10001
WORKDIR /src
ENTRYPOINT ["walint"]
CMD ["check"]
