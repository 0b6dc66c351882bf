# One image per process kind: `--target silo` or `--target api`.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Silo -c Release -o /out/silo && dotnet publish src/Api -c Release -o /out/api

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS silo
WORKDIR /app
COPY --from=build /out/silo .
ENTRYPOINT ["dotnet", "Milestones.Silo.dll"]

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS api
WORKDIR /app
COPY --from=build /out/api .
ENTRYPOINT ["dotnet", "Milestones.Api.dll"]
