# syntax=docker/dockerfile:1
# Build stage: the whole reactor, tests skipped (CI runs them).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# the whole reactor (every module's pom must exist); .dockerignore keeps target/ and .git out
COPY . .
RUN mvn -B -ntp -q package -DskipTests -pl gemini-balance-micronaut -am

# Run stage: a JRE and the one jar.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app gemini
WORKDIR /app
COPY --from=build /src/gemini-balance-micronaut/target/gemini-balance-server.jar /app/gemini-balance-server.jar
USER gemini
ENV PORT=8000 \
    JAVA_TOOL_OPTIONS="-Xms16m -Xmx192m -XX:+UseSerialGC -Xss256k -Djava.util.concurrent.ForkJoinPool.common.parallelism=2"
EXPOSE 8000
ENTRYPOINT ["java", "-jar", "/app/gemini-balance-server.jar"]
