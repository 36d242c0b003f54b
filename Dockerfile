# The Retake app for a team deploy (see docker-compose.yml and the README's "Deploying for a team").
# Node 20 on Debian 12, the same system the project is built and tested on.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 normally installs a prebuilt binary; these let it compile when none fits the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
ENV NEXT_TELEMETRY_DISABLED=1
# Dependencies first, so a code change reuses this layer. npm ci: exactly the lockfile, nothing resolved anew.
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
  NEXT_TELEMETRY_DISABLED=1 \
  HOST=0.0.0.0 \
  PORT=3000 \
  DATA_DIR=/app/data
# The whole built tree, node_modules included: `npm start` runs exactly what was built and tested above.
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
CMD ["npm", "start"]
