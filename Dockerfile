# chitchat server image (scaled mode: see docker-compose.yml and docs/operations.md).
# The server runs from its TypeScript sources through tsx, as `npm run server` does, so the image
# needs no build step beyond installing the server's production dependencies.

# --- dependencies: better-sqlite3 compiles from source, which needs a toolchain -----------------
FROM node:24-bookworm-slim AS deps
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Manifests first, so the dependency layer is rebuilt only when they change. Every workspace's
# package.json must be present for `npm ci` to accept the lockfile.
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY desktop/package.json desktop/
RUN npm ci --omit=dev --workspace=@chitchat/server --no-audit --no-fund

# --- runtime: no compiler, no desktop code ------------------------------------------------------
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app /app
COPY tsconfig.base.json ./
COPY shared/tsconfig.json shared/
COPY shared/src shared/src
COPY server/tsconfig.json server/
COPY server/src server/src
# DATA_DIR belongs to the unprivileged user; a named volume mounted at /data/media starts out with
# this ownership, so every replica can write shared media there.
RUN mkdir -p /data/media && chown -R node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and handles SIGTERM itself: it closes sockets and the store, then exits.
CMD ["node", "--import", "tsx", "server/src/main.ts"]
