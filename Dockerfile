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
# /app belongs to root; the file tail's offsets need a directory the node user can write (mount a
# volume there so they survive the container).
RUN mkdir -p /var/lib/vigil && chown node:node /var/lib/vigil
ENV NODE_ENV=production VIGIL_HTTP_HOST=0.0.0.0 VIGIL_HTTP_PORT=8080 VIGIL_FILE_STATE_DIR=/var/lib/vigil
EXPOSE 8080
USER node
# Node itself, with the flags of package.json's "vigil" script, not "pnpm vigil": pnpm hands the
# SIGTERM of "docker stop" to the shell it runs the script in, which dies and leaves Vigil to be
# killed with the container, never draining. Node as PID 1 gets the signal and Vigil handles it.
ENTRYPOINT ["node", "--max-semi-space-size=64", "--import", "tsx", "packages/cli/src/bin.ts"]
CMD ["start"]
