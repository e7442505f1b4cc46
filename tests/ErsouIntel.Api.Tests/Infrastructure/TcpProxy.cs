using System.Net;
using System.Net.Sockets;

namespace ErsouIntel.Api.Tests.Infrastructure;

/// <summary>
/// A loopback TCP forwarder between the service and PostgreSQL that a test can cut and restore:
/// a database outage for one service, without stopping the server other tests share.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly int targetPort;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<TcpClient> open = [];
    private volatile bool down;

    public TcpProxy(int targetPort)
    {
        this.targetPort = targetPort;
        listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Drops every open connection and refuses new ones until <see cref="Up"/>.</summary>
    public void Down()
    {
        down = true;
        lock (open)
        {
            foreach (var client in open)
            {
                client.Dispose();
            }

            open.Clear();
        }
    }

    public void Up() => down = false;

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        Down();
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient incoming;
            try
            {
                incoming = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (down)
            {
                incoming.Dispose();
                continue;
            }

            _ = ForwardAsync(incoming);
        }
    }

    private async Task ForwardAsync(TcpClient incoming)
    {
        var outgoing = new TcpClient();
        try
        {
            await outgoing.ConnectAsync(IPAddress.Loopback, targetPort, stopping.Token);
            lock (open)
            {
                open.Add(incoming);
                open.Add(outgoing);
            }

            using var pump = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            var up = incoming.GetStream().CopyToAsync(outgoing.GetStream(), pump.Token);
            var downstream = outgoing.GetStream().CopyToAsync(incoming.GetStream(), pump.Token);
            await Task.WhenAny(up, downstream);
            await pump.CancelAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A cut connection: exactly what an outage looks like to the service.
        }
        finally
        {
            incoming.Dispose();
            outgoing.Dispose();
        }
    }
}
