namespace Milestones.Silo;

/// <summary>Where grain state and reminders live (<c>Storage:Provider</c>); the two databases are also what the schema migrator targets.</summary>
public enum StorageProvider
{
    /// <summary>The embedded default: one node, a SQLite file under the data directory.</summary>
    Sqlite,

    /// <summary>Production: PostgreSQL for state, reminders and cluster membership.</summary>
    Postgres,

    /// <summary>Tests only: nothing survives a restart.</summary>
    Memory,
}
