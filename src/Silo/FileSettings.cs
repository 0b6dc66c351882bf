using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace Milestones.Silo;

/// <summary>
/// Settings read from files: <c>NAME_FILE=path</c> sets the setting the variable NAME would set to the file's content
/// (one trailing newline trimmed), e.g. <c>Storage__Password_FILE=/run/secrets/milestones_db_password</c> sets
/// <c>Storage:Password</c>. Container platforms hand secrets over as files, so a secret need not sit in an
/// environment variable, which <c>docker inspect</c> shows and every child process inherits. Only names with a section
/// count (<c>__</c>): the plain <c>*_FILE</c> variables belong to other programs (<c>SSL_CERT_FILE</c>). A file that
/// cannot be read, or NAME set beside NAME_FILE (which one was meant?), stops start-up naming the variable.
/// </summary>
public static class FileSettings
{
    private const string Suffix = "_FILE";

    /// <summary>
    /// Adds the source right after the environment variables (at the end when there are none), so the settings rank
    /// as the variables they stand for would: over appsettings, under the command line.
    /// </summary>
    public static IConfigurationBuilder AddFileSettings(this IConfigurationBuilder builder, IDictionary? variables = null)
    {
        var environment = builder.Sources.ToList().FindLastIndex(s => s is EnvironmentVariablesConfigurationSource);
        builder.Sources.Insert(environment < 0 ? builder.Sources.Count : environment + 1, new Source(variables));
        return builder;
    }

    /// <summary>The settings the <c>_FILE</c> variables among <paramref name="variables"/> give, by configuration key.</summary>
    internal static Dictionary<string, string?> Read(IDictionary variables)
    {
        var names = variables.Keys.Cast<string>().ToList();
        var keys = names.Select(Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names.Where(n => n.EndsWith(Suffix, StringComparison.Ordinal)))
        {
            var plain = name[..^Suffix.Length];
            var key = Key(plain);
            if (!plain.Contains("__", StringComparison.Ordinal))
            {
                continue; // another program's (SSL_CERT_FILE)
            }

            if (keys.Contains(key))
            {
                throw new StartupException($"both {plain} and {name} are set; set one of them.");
            }

            var path = variables[name] as string ?? "";
            try
            {
                var content = File.ReadAllText(path);
                settings[key] = content.EndsWith("\r\n", StringComparison.Ordinal) ? content[..^2]
                    : content.EndsWith('\n') ? content[..^1]
                    : content;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new StartupException($"{name} names the file '{path}', which cannot be read: {ex.Message}", ex);
            }
        }

        return settings;
    }

    private static string Key(string variable) => variable.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);

    private sealed class Source(IDictionary? variables) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(variables);
    }

    private sealed class Provider(IDictionary? variables) : ConfigurationProvider
    {
        public override void Load() => Data = Read(variables ?? Environment.GetEnvironmentVariables());
    }
}
