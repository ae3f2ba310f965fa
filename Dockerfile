# syntax=docker/dockerfile:1
# gemini-balance server image. Build: docker build -t gemini-balance .   (docs/deployment.md#docker)

# ---------------------------------------------------------------- build stage
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src

# 1. Dependencies, plugins and annotation processors in their own layer, rebuilt only when a pom.xml
#    changes. Every module's pom must be there (the root lists them all). dependency:go-offline cannot
#    be used: it tries to download the reactor's own modules from Central. Instead the server is built
#    once from a one-line stand-in source, which makes Maven fetch everything the real build uses
#    (the annotation processors too); the stand-in and its output are then removed.
COPY pom.xml ./
COPY gemini-balance-openai-schema/pom.xml gemini-balance-openai-schema/
COPY gemini-balance-anthropic-schema/pom.xml gemini-balance-anthropic-schema/
COPY gemini-balance-core/pom.xml gemini-balance-core/
COPY gemini-balance-redis/pom.xml gemini-balance-redis/
COPY gemini-balance-micronaut/pom.xml gemini-balance-micronaut/
COPY gemini-balance-bom/pom.xml gemini-balance-bom/
COPY gemini-balance-examples/pom.xml gemini-balance-examples/
COPY gemini-balance-bench/pom.xml gemini-balance-bench/
RUN mkdir -p gemini-balance-micronaut/src/main/java \
 && echo 'class DependencyWarmUp {}' > gemini-balance-micronaut/src/main/java/DependencyWarmUp.java \
 && mvn -B -ntp package -DskipTests -pl gemini-balance-micronaut -am \
 && rm -rf gemini-balance-micronaut/src target */target

# 2. The sources, and the jar, offline: a dependency missing from the layer above fails here, loudly.
#    Tests are skipped (CI runs them: .ci/run).
COPY . .
RUN mvn -B -ntp -o package -DskipTests -pl gemini-balance-micronaut -am

# ---------------------------------------------------------------- run stage: a JRE and the one jar
FROM eclipse-temurin:17-jre
# An unprivileged user; /app/data (the server's SQLite database, kept in a volume) belongs to it.
RUN useradd --system --uid 10001 --user-group --home-dir /app gemini \
 && mkdir -p /app/data \
 && chown gemini:gemini /app/data
WORKDIR /app
COPY --from=build /src/gemini-balance-micronaut/target/gemini-balance-server.jar /app/gemini-balance-server.jar
USER gemini
ENV PORT=8000 \
    JAVA_TOOL_OPTIONS="-Xms16m -Xmx192m -XX:+UseSerialGC -Xss256k -Djava.util.concurrent.ForkJoinPool.common.parallelism=2"
VOLUME ["/app/data"]
EXPOSE 8000

# GET /health: 200 while some key can serve, 503 when none can. The JRE image has no curl, so a
# JDK-only probe in the server jar calls it (port from PORT, as the server reads it); it exits 0 or 1.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx16m", "-cp", "/app/gemini-balance-server.jar", "io.github.geminibalance.server.HealthCheck"]

# SIGTERM (docker stop) drains: no new connections, running requests and streams get up to
# SHUTDOWN_GRACE (30 s by default) to finish, then the server exits 0. docker stop waits only 10 s
# before SIGKILL, so give it more: docker stop -t 40, or stop_grace_period: 40s in compose.
STOPSIGNAL SIGTERM
# exec form: java is PID 1 and receives the signal itself
ENTRYPOINT ["java", "-jar", "/app/gemini-balance-server.jar"]
