using Microsoft.Playwright;
using WearableEdge.IntegrationTests.Fixtures;

namespace WearableEdge.IntegrationTests.Dashboard;

/// <summary>
/// Debian's <c>chromium</c> package, headless, driven by Playwright for .NET. Playwright's own
/// browser download is never used (no <c>playwright install</c>): the tests run the browser a
/// ward gateway's operator would install.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    public const string DebianPath = "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        "--no-sandbox", // the test host may run as root in a container, where the sandbox cannot start
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ];

    private readonly IPlaywright _playwright;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        var executable = ChildProcess.ResolveExecutable(DebianPath, "chromium", "chromium");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                Args = Arguments,
                Timeout = 60_000,
            });
            return new HeadlessChromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
    }
}
