using Amazon;
using Amazon.Runtime;
using Amazon.SQS;

namespace Bridge.Redrive;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl+C: finish the message in hand, give the rest back to the queue, then stop.
            e.Cancel = true;
            stop.Cancel();
        };
        return await RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, stop.Token).ConfigureAwait(false);
    }

    internal static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> environment, CancellationToken ct)
    {
        var parsed = Arguments.Parse(args, environment);
        if (parsed.WantsHelp)
        {
            await stdout.WriteLineAsync(Arguments.Usage).ConfigureAwait(false);
            return 0;
        }
        if (parsed.Options is not { } options)
        {
            await stderr.WriteLineAsync("redrive: " + parsed.Error).ConfigureAwait(false);
            await stderr.WriteLineAsync().ConfigureAwait(false);
            await stderr.WriteLineAsync(Arguments.Usage).ConfigureAwait(false);
            return 2;
        }

        var output = new Output(stdout, stderr, options.FunctionKey);
        AmazonSQSClient sqs;
        try
        {
            // The default credential chain; the endpoint follows AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL when set.
            var config = new AmazonSQSConfig();
            if (options.Region is { } region) config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
            sqs = new AmazonSQSClient(config);
        }
        catch (AmazonClientException e)
        {
            output.Error($"redrive: cannot set up the SQS client: {e.Message} (pass --region, or configure AWS credentials)");
            return 2;
        }

        using (sqs)
        using (var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan })
        {
            http.DefaultRequestHeaders.UserAgent.ParseAdd("bridge-redrive/1.0");
            try
            {
                return await new Redriver(sqs, http, options, output, TimeProvider.System).RunAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                output.Error("redrive: stopped; the messages not redriven are visible again");
                return 1;
            }
        }
    }
}
