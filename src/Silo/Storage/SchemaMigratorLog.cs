using Microsoft.Extensions.Logging;

namespace Milestones.Silo.Storage;

internal static partial class SchemaMigratorLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information,
        Message = "Applying {Kind} schema script {Version} '{Name}'")]
    public static partial void Applying(ILogger logger, StorageProvider kind, int version, string name);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Applied {Kind} schema script {Version} '{Name}' in {ElapsedMs} ms")]
    public static partial void Applied(ILogger logger, StorageProvider kind, int version, string name, long elapsedMs);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information,
        Message = "{Kind} schema is up to date at version {Version}; {Applied} script(s) applied by this run")]
    public static partial void Finished(ILogger logger, StorageProvider kind, int version, int applied);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning,
        Message = "{Kind} database has schema version {DatabaseVersion}, newer than this build knows ({KnownVersion}); continuing")]
    public static partial void DatabaseIsNewer(ILogger logger, StorageProvider kind, int databaseVersion, int knownVersion);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug,
        Message = "Waiting for the {Kind} schema migration lock")]
    public static partial void WaitingForLock(ILogger logger, StorageProvider kind);
}
