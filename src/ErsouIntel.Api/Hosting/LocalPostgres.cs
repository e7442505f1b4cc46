using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace ErsouIntel.Api.Hosting;

/// <summary>
/// A throwaway PostgreSQL cluster in a git-ignored folder of the repository, built from the
/// machine's own PostgreSQL binaries, for the developer loop and the tests when no server is
/// configured. Started as an unprivileged user because PostgreSQL refuses to run as root.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static partial class LocalPostgres
{
    private const string SuperUser = "postgres";

    /// <summary>Starts the cluster in <paramref name="folder"/> (or reuses it when it already runs) and returns a connection string to its <c>postgres</c> database.</summary>
    /// <param name="moreSettings">Server settings after the others (<c>-c name=value ...</c>): a later setting wins.</param>
    public static async Task<string> EnsureRunningAsync(string folder, TextWriter log, bool forTests, string? moreSettings = null, CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(folder);
        // One starter at a time: the run command and the tests may start side by side.
        await using var gate = await AcquireLockAsync(Path.Combine(folder, "start.lock"), cancellation);

        var bin = FindBinaries(log);
        var data = Path.Combine(folder, "data");
        var passwordFile = Path.Combine(folder, "password");
        var portFile = Path.Combine(folder, "port");
        var runAs = Environment.UserName == "root" ? EnsureServiceUser(log) : null;

        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }

            await File.WriteAllTextAsync(passwordFile, Convert.ToHexString(RandomNumberGenerator.GetBytes(24)), cancellation);
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            GiveTo(runAs, folder);
            Run(runAs, Path.Combine(bin, "initdb"), $"-D \"{data}\" -U {SuperUser} --pwfile=\"{passwordFile}\" --auth-host=scram-sha-256 --auth-local=peer -E UTF8 --no-locale", log);
        }

        var password = (await File.ReadAllTextAsync(passwordFile, cancellation)).Trim();
        if (File.Exists(portFile) && IsRunning(runAs, bin, data) && int.TryParse(await File.ReadAllTextAsync(portFile, cancellation), out var existingPort))
        {
            var existing = ConnectionString(existingPort, password);
            if (await AnswersAsync(existing, cancellation))
            {
                log.WriteLine($"Using the local PostgreSQL already running at 127.0.0.1:{existingPort} (data in {data}).");
                return existing;
            }
        }

        var port = FreeLoopbackPort();
        var settings = $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{folder}' -c max_connections=400";
        if (forTests)
        {
            // A throwaway cluster for tests: durability buys nothing, speed buys a shorter loop.
            settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        }
        else
        {
            // The run command's cluster is also the benchmark's: pg_stat_statements and I/O timing let it say
            // where the database spends a phase's time (docs/performance.md, "Profiles"). Debian's defaults are
            // for a small machine (128 MB of buffers, a checkpoint every 1 GB of WAL): at 1M incidents the link
            // graph's indexes no longer fit and a load spent a fifth of its time reading and writing pages and
            // most of its WAL on full-page images. These are what an operator sets on a server (docs/operations.md).
            settings += " -c shared_preload_libraries=pg_stat_statements -c track_io_timing=on -c track_wal_io_timing=on" +
                " -c shared_buffers=2GB -c max_wal_size=8GB -c checkpoint_timeout=15min";
        }

        if (moreSettings is not null)
        {
            settings += " " + moreSettings;
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "options"), settings, cancellation);
        GiveTo(runAs, folder);
        Start(runAs, bin, folder, settings, log);
        await File.WriteAllTextAsync(portFile, port.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellation);
        log.WriteLine($"Started a local PostgreSQL at 127.0.0.1:{port} (data in {data}, log in {Path.Combine(folder, "server.log")}).");
        return ConnectionString(port, password);
    }

    /// <summary>Stops the cluster in <paramref name="folder"/> if it runs.</summary>
    public static void Stop(string folder, TextWriter log)
    {
        var data = Path.Combine(folder, "data");
        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            return;
        }

        var runAs = Environment.UserName == "root" ? EnsureServiceUser(log) : null;
        var bin = FindBinaries(log);
        if (IsRunning(runAs, bin, data))
        {
            Run(runAs, Path.Combine(bin, "pg_ctl"), $"stop -D \"{data}\" -m fast -w", log);
        }
    }

    private static void Start(string? runAs, string bin, string folder, string settings, TextWriter log) =>
        Run(runAs, Path.Combine(bin, "pg_ctl"), $"start -D \"{Path.Combine(folder, "data")}\" -w -t 60 -l \"{Path.Combine(folder, "server.log")}\" -o \"{settings}\"", log);

    private static string ConnectionString(int port, string password) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = SuperUser,
            Password = password,
            Database = "postgres",
        }.ConnectionString;

    private static async Task<bool> AnswersAsync(string connectionString, CancellationToken cancellation)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellation);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or SocketException)
        {
            return false;
        }
    }

    private static string FindBinaries(TextWriter log)
    {
        var found = FindInstalled();
        if (found is not null)
        {
            return found;
        }

        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException(
                "No PostgreSQL binaries under /usr/lib/postgresql/*/bin and not root to install them. " +
                "Install the Debian package 'postgresql' or set ConnectionStrings:Postgres (ERSOU_TEST_POSTGRES for tests).");
        }

        log.WriteLine("No PostgreSQL binaries found; installing Debian's 'postgresql' package.");
        Run(null, "/bin/sh", "-c \"apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql\"", log);
        return FindInstalled() ?? throw new InvalidOperationException("Installing 'postgresql' left no binaries under /usr/lib/postgresql/*/bin.");
    }

    private static string? FindInstalled()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(dir => (dir, version: int.TryParse(Path.GetFileName(dir), out var v) ? v : 0))
            .Where(x => File.Exists(Path.Combine(x.dir, "bin", "pg_ctl")))
            .OrderByDescending(x => x.version)
            .Select(x => Path.Combine(x.dir, "bin"))
            .FirstOrDefault();
    }

    private static string EnsureServiceUser(TextWriter log)
    {
        // Debian's package creates 'postgres'; without it we make a system user of our own.
        if (Run(null, "id", "-u postgres", TextWriter.Null, throwOnFailure: false) == 0)
        {
            return "postgres";
        }

        const string user = "ersou-pg";
        if (Run(null, "id", $"-u {user}", TextWriter.Null, throwOnFailure: false) != 0)
        {
            Run(null, "useradd", $"--system --no-create-home --shell /usr/sbin/nologin {user}", log);
        }

        return user;
    }

    private static void GiveTo(string? user, string folder)
    {
        if (user is null)
        {
            return;
        }

        Run(null, "chown", $"-R {user} \"{folder}\"", TextWriter.Null);
        // The server user must be able to reach the folder through the repository's parents.
        for (var dir = Directory.GetParent(folder); dir is not null; dir = dir.Parent)
        {
            var mode = File.GetUnixFileMode(dir.FullName);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
            {
                File.SetUnixFileMode(dir.FullName, mode | UnixFileMode.OtherExecute);
            }
        }
    }

    private static bool IsRunning(string? runAs, string bin, string data) =>
        Run(runAs, Path.Combine(bin, "pg_ctl"), $"status -D \"{data}\"", TextWriter.Null, throwOnFailure: false) == 0;

    private static int Run(string? runAs, string file, string arguments, TextWriter log, bool throwOnFailure = true)
    {
        var info = runAs is null
            ? new ProcessStartInfo(file, arguments)
            : new ProcessStartInfo("runuser", $"-u {runAs} -- {file} {arguments}");
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        // Read both streams to the end so a chatty child cannot block on a full pipe.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0 && throwOnFailure)
        {
            throw new InvalidOperationException($"'{file} {arguments}' failed with exit code {process.ExitCode}: {stderr.Result}{stdout.Result}");
        }

        if (log != TextWriter.Null && stderr.Result.Length > 0 && process.ExitCode != 0)
        {
            log.WriteLine(stderr.Result);
        }

        return process.ExitCode;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellation);
            }
        }
    }
}
