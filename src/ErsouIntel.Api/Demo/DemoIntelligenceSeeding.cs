namespace ErsouIntel.Api.Demo;

/// <summary>
/// Seeds <see cref="DemoIntelligence"/> as the service starts in Development: before it answers, so the
/// first search already finds the news report's number, and after the schema is applied on start-up.
/// </summary>
public sealed class DemoIntelligenceSeeding(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => DemoIntelligence.RunAsync(services, Console.Out, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
