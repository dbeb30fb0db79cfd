# One image for every mxray process; the command picks the stage:
#   docker build -t mxray .
#   docker run --rm mxray dns-worker --kafka kafka:9092 --resolver unbound:53
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests install

FROM eclipse-temurin:17-jre
WORKDIR /opt/mxray
COPY --from=build /src/app/target/mxray-image.jar ./mxray.jar
COPY --from=build /src/app/target/lib ./lib
# the classes every process loads, parsed and verified once into a class-data archive (AppCDS) that
# each process maps at start: a faster first scan (docs/benchmarks.md, "Cold start")
RUN java -XX:+UseSerialGC -cp /opt/mxray/mxray.jar io.mxray.app.Mxray class-archive /opt/mxray/mxray.jsa
# the aggregator's Streams state (a named volume takes this owner on first mount)
RUN mkdir -p /var/lib/mxray/streams && chown 10001 /var/lib/mxray/streams
# a scanner needs no privileges: port 25 is only connected to, never bound
USER 10001
# Prometheus metrics when MXRAY_METRICS_PORT is set (compose and Kubernetes set 9400)
EXPOSE 9400
# the serial collector, the quick compiler alone and the archive: less CPU per domain and a fast first
# scan for the stages (docs/benchmarks.md, "Cost per domain"); no performance-data file (its sampler
# costs a resident process 1 ms of CPU a second); JAVA_TOOL_OPTIONS may change them
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=0.2", \
    "-XX:-UsePerfData", \
    "-XX:SharedArchiveFile=/opt/mxray/mxray.jsa", "-Xshare:auto", "-Xlog:cds=off", "-jar", "/opt/mxray/mxray.jar"]
