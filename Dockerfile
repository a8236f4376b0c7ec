# The Loadout worker image: `docker build -t loadout-worker .` (docker-compose.yml builds it).
# Stage 1 installs everything and builds the workflow bundle; stage 2 holds production
# dependencies, the sources the CLI runs (through tsx) and that bundle, and runs as `node`.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:workflows -- --out dist/workflow-bundle.js

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    LOADOUT_HOME=/var/lib/loadout \
    LOADOUT_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
    LOADOUT_LOG_FORMAT=json
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY activities ./activities
COPY cli ./cli
COPY config ./config
COPY core ./core
COPY dashboard ./dashboard
COPY generator ./generator
COPY observability ./observability
COPY schemas ./schemas
COPY stores ./stores
COPY workers ./workers
COPY workflows ./workflows
COPY --from=build /app/dist/workflow-bundle.js ./dist/workflow-bundle.js
# LOADOUT_HOME holds the personal-data key ring when no KMS key is configured: a volume, owned by node.
RUN mkdir -p /var/lib/loadout && chown node:node /var/lib/loadout
USER node
VOLUME ["/var/lib/loadout"]
EXPOSE 9464
ENTRYPOINT ["node", "bin/loadout.js"]
CMD ["worker"]
