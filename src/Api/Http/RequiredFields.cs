using System.ComponentModel.DataAnnotations;
using System.Reflection;

namespace Milestones.Api.Http;

/// <summary>
/// The built-in validation checks the <see cref="RequiredAttribute"/> fields of every item of a list but skips a null
/// item: this reports each required field of a null item as missing, as if the item were <c>{}</c>.
/// </summary>
public static class RequiredFields
{
    public static IEnumerable<ValidationResult> OfNullItems<T>(IReadOnlyList<T?>? items, string listName) where T : class
    {
        var required = typeof(T).GetProperties().Where(p => p.GetCustomAttribute<RequiredAttribute>() is not null).Select(p => p.Name).ToList();
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            if (items![i] is null)
            {
                foreach (var name in required)
                {
                    yield return new ValidationResult($"The {name} field is required.", [$"{listName}[{i}].{name}"]);
                }
            }
        }
    }
}
