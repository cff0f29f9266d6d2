# One image for every Vigil service; the command picks the role (scheduler, worker, writer, web).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY cli ./cli
COPY lib ./lib
COPY services ./services
COPY web ./web
COPY inventory ./inventory
ENV NODE_ENV=production
RUN mkdir -p web/dist && chown node web/dist
USER node
ENTRYPOINT ["node", "bin/vigil.mjs"]
CMD ["--help"]
