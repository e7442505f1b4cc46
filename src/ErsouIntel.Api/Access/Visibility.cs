namespace ErsouIntel.Api.Access;

/// <summary>
/// "Who sees what" from the contract, as SQL over the read model, so that what a caller may not
/// see never leaves the database: own force in full; other forces' P records in full; records
/// attached to a case the caller is a member of in full; everything else only as a pointer.
/// Queries using it bind <c>@force</c> (the caller's force), <c>@subject</c> and <c>@shared</c>
/// (false for force systems, which see their own force's records only): see <see cref="Viewer.Bind"/>.
/// </summary>
public static class Visibility
{
    public static string SeesInFull(string incident) =>
        $"({incident}.force = @force or (@shared and ({incident}.handling = 'P' or exists (select 1 from ersou.li_case_incidents vci join ersou.li_case_members vcm on vcm.case_id = vci.case_id where vci.incident_id = {incident}.id and vcm.subject = @subject))))";

    /// <summary>A case is visible to its members and to the investigators of its lead force.</summary>
    public static string SeesCase(string @case) =>
        $"(@shared and ({@case}.lead_force = @force or exists (select 1 from ersou.li_case_members vm where vm.case_id = {@case}.id and vm.subject = @subject)))";
}
