# The container image the Kubernetes campaign manifest runs (docs/campaigns.md, "Kubernetes"):
# Debian 12 with exactly the packages scripts/setup-deps installs (it is run here, so the list
# has one home), this repository under /opt/pumptwin, and pumpbench built from it on the PATH.
#
#   docker build -t pumptwin/pumpbench:latest .
FROM debian:bookworm

COPY scripts/setup-deps /opt/pumptwin/scripts/setup-deps
RUN /opt/pumptwin/scripts/setup-deps && rm -rf /var/lib/apt/lists/*

COPY . /opt/pumptwin
WORKDIR /opt/pumptwin
ENV SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
RUN cmake --preset default >/dev/null \
    && cmake --build --preset default --target pumpbench -j "$(nproc)" \
    && ln -s /opt/pumptwin/build/default/bench/pumpbench/pumpbench /usr/local/bin/pumpbench
