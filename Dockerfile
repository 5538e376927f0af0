# One image for every Vigil service; the command picks the service (vigil start collector|detector|alerter).
FROM node:20-bookworm-slim
WORKDIR /app
RUN npm install -g pnpm@10.34.8
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc tsconfig.base.json tsconfig.json ./
COPY packages ./packages
COPY services ./services
COPY test/package.json ./test/package.json
# The patched dependencies of package.json (pnpm.patchedDependencies): the install applies them.
COPY patches ./patches
RUN pnpm install --frozen-lockfile
ENV NODE_ENV=production VIGIL_HTTP_HOST=0.0.0.0 VIGIL_HTTP_PORT=8080
EXPOSE 8080
USER node
ENTRYPOINT ["pnpm", "--silent", "vigil"]
CMD ["start"]
