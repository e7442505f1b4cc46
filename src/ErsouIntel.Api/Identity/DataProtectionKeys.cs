using System.Xml.Linq;
using ErsouIntel.Api.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace ErsouIntel.Api.Identity;

/// <summary>
/// ASP.NET Core Data Protection's key ring (what protects the sign-in cookie, antiforgery tokens
/// and any other data-protected payload) kept in PostgreSQL, table <c>ersou.data_protection_keys</c>,
/// under one application name, so a cookie issued by one instance is accepted by every other.
/// The table is one of Marten's extended schema objects: <c>db-apply</c> creates it and
/// <c>db-assert</c> checks it, and production creates nothing on start. The keys are stored as
/// Data Protection writes them (unencrypted XML): whoever can read the table or a backup of it can
/// forge cookies, as with the rest of the database's secrets (docs/operations.md, "Key rotation").
/// </summary>
public static class DataProtectionKeys
{
    /// <summary>The application name every instance protects under: payloads are isolated by it, not by the instance's path.</summary>
    public const string ApplicationName = "ErsouIntel";

    public const string Table = "data_protection_keys";

    public static IServiceCollection AddSharedDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider =>
            new ConfigureOptions<KeyManagementOptions>(options => options.XmlRepository = new PostgresXmlRepository(provider.GetRequiredService<NpgsqlDataSource>())));
        return services;
    }

    public static Weasel.Core.ISchemaObject SchemaObject()
    {
#pragma warning disable CS0618 // as LinkGraphSchema: the two-part name is the documented one
        var table = new Weasel.Postgresql.Tables.Table(new PostgresqlObjectName(EventStore.Schema, Table));
#pragma warning restore CS0618
        table.AddColumn<long>("id").AsPrimaryKey().BigAutoIncrement();
        table.AddColumn<string>("friendly_name").AllowNulls();
        table.AddColumn<string>("xml").NotNull();
        return table;
    }

    /// <summary>Data Protection's key store: every key element ever written, read whole when the key ring is (re)loaded.</summary>
    private sealed class PostgresXmlRepository(NpgsqlDataSource db) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements()
        {
            // Data Protection's repository interface is synchronous; it is called when the key ring is loaded or refreshed, not per request.
            using var command = db.CreateCommand($"select xml from {EventStore.Schema}.{Table} order by id");
            using var reader = command.ExecuteReader();
            var elements = new List<XElement>();
            while (reader.Read())
            {
                elements.Add(XElement.Parse(reader.GetString(0)));
            }

            return elements;
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            using var command = db.CreateCommand($"insert into {EventStore.Schema}.{Table}(friendly_name, xml) values ($1, $2)");
            command.Parameters.AddWithValue(friendlyName);
            command.Parameters.AddWithValue(element.ToString(SaveOptions.DisableFormatting));
            command.ExecuteNonQuery();
        }
    }
}
