# One image for all five apps; docker-compose.yml picks the app with `command`.
# Node 22: some NestJS 12 dependencies declare it (the code is also tested on Node 20).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The workspace package (@verigate/client, built with the apps) must be known to npm ci.
COPY packages/client/package.json packages/client/
# onnxruntime-node (dev only: the OCR attacker test) would otherwise download CUDA libraries from NuGet.
RUN ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
COPY packages packages
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# The sip carrier's spoken digits (found from dist/ at ../../../../../apps/voice/assets).
COPY apps/voice/assets apps/voice/assets
# The captcha widget bundle and demo page (served by the gateway).
COPY --from=build /app/apps/gateway/public apps/gateway/public
COPY scripts scripts
USER node
# The gateway listens on PORT (3000); workers answer /health on VERIGATE_HEALTH_PORT.
CMD ["node", "--enable-source-maps", "dist/apps/gateway/src/main.js"]
