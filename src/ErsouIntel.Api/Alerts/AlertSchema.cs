using ErsouIntel.Api.Storage;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace ErsouIntel.Api.Alerts;

/// <summary>
/// The outbox of alerts: every alert recorded once, in the order it was raised (<c>position</c>),
/// which is the order each instance reads them in after a <c>NOTIFY ersou_alerts</c> carrying only a
/// position. <c>alert_match_forces</c> remembers which forces each match has alerted for, so a match
/// that gains no force raises nothing.
/// </summary>
public static class AlertSchema
{
    /// <summary>The channel each instance listens on; the payload is a position, never data (any role may LISTEN).</summary>
    public const string Channel = "ersou_alerts";

    public static IEnumerable<ISchemaObject> Objects()
    {
        var alerts = new Table(EventStore.Table("alerts"));
        alerts.AddColumn<long>("position").AsPrimaryKey().BigAutoIncrement();
        alerts.AddColumn<Guid>("id").NotNull();
        alerts.AddColumn<string>("recipient").NotNull();
        alerts.AddColumn<string>("kind").NotNull();
        alerts.AddColumn<Guid>("incident_id").NotNull();
        alerts.AddColumn<long>("incident_version").NotNull();
        alerts.AddColumn("at", "timestamptz").NotNull();
        alerts.AddColumn<Guid>("watch_id").AllowNulls();
        alerts.AddColumn<Guid>("match_id").AllowNulls();
        // One per recipient, kind and cause (the push: an incident at the version it made); a page replayed raises nothing twice.
        alerts.Indexes.Add(new IndexDefinition("alerts_cause") { Columns = ["recipient", "kind", "incident_id", "incident_version"], IsUnique = true });
        alerts.Indexes.Add(new IndexDefinition("alerts_id") { Columns = ["id"], IsUnique = true });
        alerts.Indexes.Add(new IndexDefinition("alerts_recipient") { Columns = ["recipient", "position"] });
        yield return alerts;

        var matchForces = new Table(EventStore.Table("alert_match_forces"));
        matchForces.AddColumn<Guid>("match_id").AsPrimaryKey();
        matchForces.AddColumn<string>("force").AsPrimaryKey();
        yield return matchForces;
    }
}
