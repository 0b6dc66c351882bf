# One image per process kind: `--target silo` or `--target api`.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# The restore first, from only the files it reads (the SDK pin, the shared props, the projects of src/Api and what it
# references: src/Silo, src/Grains), so its layer is reused until a project or a package version changes; a change to
# the code rebuilds from `COPY src/` on.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Host.props src/
COPY src/Grains/Grains.csproj src/Grains/
COPY src/Silo/Silo.csproj src/Silo/
COPY src/Api/Api.csproj src/Api/
RUN dotnet restore src/Silo && dotnet restore src/Api
# .dockerignore keeps local bin/ and obj/ out, so this does not overwrite the restore's obj/.
COPY src/ src/
RUN dotnet publish src/Silo -c Release --no-restore -o /out/silo && dotnet publish src/Api -c Release --no-restore -o /out/api

# Both run as the unprivileged user `app` that the .NET 8+ runtime images create; APP_UID (1654) is its id, set by
# those images, and numeric so that a platform can tell it is not root. The published files stay root's, read-only
# for it: in the container topology the hosts write only to PostgreSQL and log to standard output (the embedded
# SQLite default would want a writable Storage:DataDirectory; it is not used here).
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS silo
WORKDIR /app
COPY --from=build /out/silo .
USER $APP_UID
ENTRYPOINT ["dotnet", "Milestones.Silo.dll"]

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS api
WORKDIR /app
COPY --from=build /out/api .
USER $APP_UID
ENTRYPOINT ["dotnet", "Milestones.Api.dll"]
