# syntax=docker/dockerfile:1
# The vdr-cdc service image: build with the .NET SDK, run on the .NET runtime image as a non-root user.
#   docker build -t vdr-cdc:dev .
#   docker run --rm -p 9464:9464 -v vdr-cdc-spool:/var/lib/vdr-cdc/spool vdr-cdc:dev run --config /config/vdr-cdc.json
# .ci/checks.sh verifies what can be verified without a Docker engine: every COPY source below exists and the
# publish command below succeeds on the repository and yields a runnable `vdr-cdc --help`.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source

# Restore layer: only what restore reads (central build settings and the project files of the executable and
# the projects it references), so this layer is reused until a package or a project reference changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Vdr.RedisStream/Vdr.RedisStream.csproj src/Vdr.RedisStream/
COPY src/Vdr.Cdc.Events/Vdr.Cdc.Events.csproj src/Vdr.Cdc.Events/
COPY src/Vdr.Cdc/Vdr.Cdc.csproj src/Vdr.Cdc/
COPY src/build/ConnectorRuntime.props src/build/
COPY src/Vdr.Cdc.Host/Vdr.Cdc.Host.csproj src/Vdr.Cdc.Host/
RUN dotnet restore src/Vdr.Cdc.Host/Vdr.Cdc.Host.csproj

# Sources, then a framework-dependent publish (the runtime image provides the framework).
COPY .editorconfig ./
COPY src/ src/
COPY proto/ proto/
RUN dotnet publish src/Vdr.Cdc.Host/Vdr.Cdc.Host.csproj -c Release --no-restore -o /app

# The spool directory exists in the image, owned by the app user, so a volume mounted there starts writable.
RUN mkdir -p /rootfs/var/lib/vdr-cdc/spool

# Runtime: the ASP.NET Core runtime image, because the host serves the management endpoint (/healthz/live,
# /healthz/ready, /metrics) with ASP.NET Core (Kestrel). DockerfileTests checks the image matches the framework.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
COPY --from=build /app ./
COPY --from=build --chown=1654:1654 /rootfs/var/lib/vdr-cdc /var/lib/vdr-cdc

# The images' non-root `app` user (UID 1654, also in $APP_UID). Health is checked over HTTP by the
# orchestrator (Kubernetes probes on the management port), so nothing here needs a shell.
USER 1654
# The spool (Vdr:Cdc:Redis:SpoolDirectory) goes to the volume by default; environment variables override --config.
ENV PATH="/app:${PATH}" \
    VDR_CDC__REDIS__SPOOLDIRECTORY=/var/lib/vdr-cdc/spool
# The management endpoint (Vdr:Cdc:Management:Port, default 9464, on every interface: Vdr:Cdc:Management:BindAddress).
EXPOSE 9464
VOLUME ["/var/lib/vdr-cdc/spool"]
ENTRYPOINT ["vdr-cdc"]
CMD ["run"]
