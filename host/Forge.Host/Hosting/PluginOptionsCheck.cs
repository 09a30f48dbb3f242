using Forge.Core;
using Forge.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Forge.Host.Hosting;

/// <summary>
/// Binds a plugin's options section with <see cref="StrictBinder"/> before the container does, so that an unknown key
/// or a value of the wrong type reads as one line with the full key and "did you mean …?", not the configuration
/// binder's .NET wording. The options type is found among the services the plugin registered (the change-token source
/// that <c>OptionsBuilder.Bind</c> adds for the section); those it bound are returned, so that <c>forge run --dry-run</c>
/// can show the effective options, defaults included.
/// </summary>
internal static class PluginOptionsCheck
{
    public static IReadOnlyList<Type> Check(IEnumerable<ServiceDescriptor> registered, IConfigurationSection section)
    {
        var bound = new List<Type>();
        foreach (var descriptor in registered)
        {
            if (!descriptor.ServiceType.IsGenericType || descriptor.ServiceType.GetGenericTypeDefinition() != typeof(IOptionsChangeTokenSource<>)) continue;
            var optionsType = descriptor.ServiceType.GetGenericArguments()[0];
            if (optionsType.GetConstructor(Type.EmptyTypes) is null) continue;
            object options;
            try
            {
                options = StrictBinder.Bind(optionsType, section);
            }
            catch (InvalidOperationException)
            {
                continue; // a property shape the strict binder does not know: the configuration binder decides alone
            }
            OptionsValidator.Validate(options, section.Path);
            if (!bound.Contains(optionsType)) bound.Add(optionsType);
        }
        return bound;
    }
}
