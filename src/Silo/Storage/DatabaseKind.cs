namespace Milestones.Silo.Storage;

/// <summary>The relational stores the schema migrator can target.</summary>
public enum DatabaseKind
{
    /// <summary>PostgreSQL through Npgsql (Orleans invariant <c>Npgsql</c>).</summary>
    Postgres,

    /// <summary>SQLite through Microsoft.Data.Sqlite (Orleans invariant <c>System.Data.SQLite</c>).</summary>
    Sqlite,
}
