using ErsouIntel.Api.Tests.Infrastructure;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>The service as the run command starts it on a developer's machine: Development, so with the demo accounts and intelligence.</summary>
public class DevelopmentServiceFixture : ServiceFixture
{
    protected override string Environment => "Development";
}
